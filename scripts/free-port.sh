# Sourced by the test-server scripts: a free loopback port for a throwaway server.
# The sourcing script defines die().

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local port tries=0
  while [ $tries -lt 50 ]; do
    port=$((20000 + RANDOM % 20000))
    if ! port_in_use "$port"; then echo "$port"; return; fi
    tries=$((tries + 1))
  done
  die "no free loopback port found"
}
