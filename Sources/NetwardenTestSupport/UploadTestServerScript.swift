/// The Python program behind `UploadTestServer` (python3's standard library only).
///
/// Python rather than nginx: a test needs every request's headers, body and client port
/// (which identifies the TCP connection) as data, TLS with or without a required client
/// certificate, and a CONNECT proxy; nginx can express only some of that, and only through
/// config files and log formats.
enum UploadTestServerScript {
    static let source = #"""
        import email.utils, http.server, json, select, socket, socketserver, ssl, sys, threading, time

        mode, cert, key, client_ca = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
        lock = threading.Lock()

        def emit(kind, record):
            with lock:
                sys.stdout.write(kind + " " + json.dumps(record) + "\n")
                sys.stdout.flush()

        class Upload(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the client expects of real servers

            def log_message(self, *args):
                pass

            def respond(self, status, headers=(), body=b""):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if status not in (204, 304):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status not in (204, 304):
                    self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                emit("request", {
                    "method": self.command, "path": self.path, "peerPort": self.client_address[1],
                    "headers": [[k, v] for k, v in self.headers.items()], "body": body.hex()})
                path = self.path
                if "://" in path:  # absolute form: we are being used as a forward proxy
                    path = "/" + path.split("://", 1)[1].split("/", 1)[1]
                if path.startswith("/status/"):
                    code = int(path[len("/status/"):])
                    self.respond(code, body=("status %d from the test server\n" % code).encode())
                elif path == "/retry-after/seconds":
                    self.respond(429, [("Retry-After", "7")], b"slow down\n")
                elif path == "/retry-after/date":
                    self.respond(503, [("Retry-After", email.utils.formatdate(time.time() + 120, usegmt=True))])
                elif path == "/redirect":
                    self.respond(307, [("Location", "/elsewhere")])
                elif path == "/large-error":
                    self.respond(500, body=b"x" * 20000)
                elif path == "/echo":
                    self.respond(200, [("Content-Type", "application/octet-stream")], body)
                else:
                    self.respond(204)

        class Proxy(socketserver.StreamRequestHandler):
            # CONNECT only: the tunnel a client opens to reach an https server through a proxy.
            def handle(self):
                line = self.rfile.readline().decode("latin-1").strip()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                method, target, _ = line.split(" ", 2)
                emit("proxy", {"method": method, "target": target})
                if method != "CONNECT":
                    self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                    return
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)))
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                sockets = [self.connection, upstream]
                while True:
                    readable, _, _ = select.select(sockets, [], [], 30)
                    if not readable:
                        return
                    for source in readable:
                        data = source.recv(65536)
                        if not data:
                            return
                        (upstream if source is self.connection else self.connection).sendall(data)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def get_request(self):
                connection, address = self.socket.accept()
                if mode == "tls":
                    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                    context.load_cert_chain(cert, key)
                    if client_ca != "-":
                        context.verify_mode = ssl.CERT_REQUIRED
                        context.load_verify_locations(client_ca)
                    # Handshake in the connection's thread, so a refused client cannot stall accept.
                    connection = context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
                return connection, address

            def finish_request(self, request, client_address):
                if mode == "tls":
                    try:
                        request.do_handshake()
                    except (ssl.SSLError, OSError) as error:
                        emit("handshake-failed", {"error": str(error)})
                        return
                super().finish_request(request, client_address)

        server = Server(("127.0.0.1", 0), Proxy if mode == "proxy" else Upload)
        emit("listening", {"port": server.server_address[1]})
        server.serve_forever()
        """#
}
