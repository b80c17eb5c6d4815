#!/usr/bin/env bash
# riffd against nginx on the same files, same wrk, same run:
#   a tiny JSON reply, a 4 KiB static file, a 10 MiB file read in 1 MiB ranges.
# Prints a Markdown table with the ratio riff/nginx. Needs wrk and nginx-light.
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as an unprivileged user
trap 'kill $RIFFD_PID 2>/dev/null; nginx -c "$work/nginx.conf" -p "$work/" -s stop 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/data" "$work/logs"
head -c 4096 /dev/urandom >"$work/www/file4k.bin"
head -c $((10 * 1048576)) /dev/urandom >"$work/www/file10m.bin"
echo '<!doctype html><title>bench</title>' >"$work/www/index.html"
chmod -R a+rX "$work/www"

nginx_port=$(free_port)
workers=${NGINX_WORKERS:-1}
cat >"$work/nginx.conf" <<CONF
worker_processes $workers;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  client_body_temp_path $work/tmp_body; proxy_temp_path $work/tmp_proxy;
  fastcgi_temp_path $work/tmp_fcgi; uwsgi_temp_path $work/tmp_uwsgi; scgi_temp_path $work/tmp_scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location = /json { default_type application/json; return 200 '{"ok":true}'; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work/" -g 'daemon on;'

riff_port=$(free_port)
start_riffd "$riff_port" "$work/data" --web-dir "$work/www"

cat >"$work/range.lua" <<'LUA'
-- Random aligned 1 MiB ranges of a 10 MiB file.
request = function()
  local i = math.random(0, 9)
  return wrk.format("GET", nil, { ["Range"] = "bytes=" .. (i * 1048576) .. "-" .. ((i + 1) * 1048576 - 1) })
end
LUA

echo "Machine: $(machine_line); wrk -t1 -c$WRK_CONNS -d$WRK_DURATION; nginx $workers worker(s); riffd default threads"
echo
echo "| workload | riffd | nginx | riff/nginx |"
echo "| --- | --- | --- | --- |"
row() {  # row NAME RIFF_URL NGINX_URL [LUA] [bytes]
  local name=$1 ru=$2 nu=$3 lua=${4:-} unit=${5:-rps}
  read -r r_rps r_bytes r_p99 < <(wrk_run "$ru" "$lua")
  read -r n_rps n_bytes n_p99 < <(wrk_run "$nu" "$lua")
  if [ "$unit" = bytes ]; then
    awk -v a="$r_bytes" -v b="$n_bytes" -v n="$name" 'BEGIN {printf "| %s | %.2f GiB/s | %.2f GiB/s | %.2f |\n", n, a/1073741824, b/1073741824, a/b}'
  else
    awk -v a="$r_rps" -v b="$n_rps" -v n="$name" -v rp="$r_p99" -v np="$n_p99" \
      'BEGIN {printf "| %s | %.0f req/s (p99 %.2f ms) | %.0f req/s (p99 %.2f ms) | %.2f |\n", n, a, rp, b, np, a/b}'
  fi
}
row "tiny JSON (/healthz vs return 200)" "http://127.0.0.1:$riff_port/healthz" "http://127.0.0.1:$nginx_port/json"
row "4 KiB static file" "http://127.0.0.1:$riff_port/file4k.bin" "http://127.0.0.1:$nginx_port/file4k.bin"
row "10 MiB file, 1 MiB Range reads" "http://127.0.0.1:$riff_port/file10m.bin" "http://127.0.0.1:$nginx_port/file10m.bin" "$work/range.lua" bytes
