/**
 * Column mapping for new columns (PROTOCOL.md, "Column Mapping"): under `name` or `id`
 * mode every field, nested ones included, gets a unique `delta.columnMapping.id` and a
 * `delta.columnMapping.physicalName`, and the table tracks the highest id in
 * `delta.columnMapping.maxColumnId`. Fields already mapped keep their ids.
 */
import { randomUUID } from 'node:crypto';
import {
  columnMappingMode,
  isArray,
  isMap,
  isStruct,
  type DataType,
  type StructField,
  type StructType,
} from './schema.js';

const ID = 'delta.columnMapping.id';
const PHYSICAL = 'delta.columnMapping.physicalName';
const MAX_ID = 'delta.columnMapping.maxColumnId';

export function assignColumnMapping(
  schema: StructType,
  configuration: Readonly<Record<string, string>>,
): { schema: StructType; configuration: Readonly<Record<string, string>> } {
  if (columnMappingMode(configuration) === 'none') return { schema, configuration };
  let maxId = Number(configuration[MAX_ID] ?? 0);
  const mapType = (type: DataType): DataType => {
    if (isStruct(type)) return { type: 'struct', fields: type.fields.map(mapField) };
    if (typeof type === 'object' && isArray(type)) return { ...type, elementType: mapType(type.elementType) };
    if (typeof type === 'object' && isMap(type))
      return { ...type, keyType: mapType(type.keyType), valueType: mapType(type.valueType) };
    return type;
  };
  const mapField = (field: StructField): StructField => {
    const metadata = { ...field.metadata };
    if (typeof metadata[ID] !== 'number') metadata[ID] = ++maxId;
    if (typeof metadata[PHYSICAL] !== 'string') metadata[PHYSICAL] = `col-${randomUUID()}`;
    return { ...field, type: mapType(field.type), metadata };
  };
  const mapped: StructType = { type: 'struct', fields: schema.fields.map(mapField) };
  return { schema: mapped, configuration: { ...configuration, [MAX_ID]: String(maxId) } };
}
