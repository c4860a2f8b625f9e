# Shared by the HTTP and portal benchmarks (sourced, not run): nginx serving one static page as
# the peer, and reading wrk's output.

# write_nginx_conf DIR PORT CONTENT_TYPE [WORKERS]: DIR/nginx.conf for WORKERS workers (default 1)
# serving DIR/www on 127.0.0.1:PORT, every file as CONTENT_TYPE, logs and temp files inside DIR.
write_nginx_conf() {
  local dir=$1 port=$2 ctype=$3 workers=${4:-1}
  mkdir -p "$dir/logs"
  cat > "$dir/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 10000000;
  open_file_cache max=100 inactive=60s;
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
  types { }
  default_type "$ctype";
  server {
    listen 127.0.0.1:$port;
    root $dir/www;
  }
}
CONF
}

# wrk --latency output on stdin → p99 in ms, requests per second.
p99_ms() { awk '$1=="99%" { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.3f", v }'; }
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }'; }
