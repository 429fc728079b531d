/** The Flows page: a placeholder the Flows part of the console replaces (this folder is its own). */
import { Empty } from '../../components/empty';

export default function FlowsPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="page-title">
        Flows
      </h1>
      <Empty title="Coming soon" />
    </section>
  );
}
