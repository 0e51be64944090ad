/// The Python program behind `FaultyCollector` (python3's standard library only).
///
/// It implements the receiving side of docs/ingest-api.md just far enough to check delivery:
/// it gunzips each batch, and writes one journal line per request (arrival time, the status it
/// answered, and for every record line its spool sequence, id, timestamp, series and a digest)
/// before it answers, so a record the daemon saw acknowledged is always in the journal.
///
/// Behaviour comes from a control file (JSON, replaced atomically by the test) that a thread
/// polls; after applying a new generation it prints `mode {"generation": N}`, which is how the
/// test knows the switch happened. A file rather than a control port: the receiver may sit in
/// a lab namespace the test process is not in, while the file system is shared.
enum FaultyCollectorScript {
    static let source = #"""
        import gzip, hashlib, http.server, json, os, socket, socketserver, sys, threading, time

        address, port, control_path, journal_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        lock = threading.Lock()
        state = {"mode": "accept", "delay": 0.0, "status": 204, "retry_after": None, "generation": 0}
        connections = set()
        journal = open(journal_path, "a")
        counter = [0]
        server = [None]

        def emit(kind, record):
            with lock:
                sys.stdout.write(kind + " " + json.dumps(record) + "\n")
                sys.stdout.flush()

        def summary(sequence, line):
            record = json.loads(line)
            digest = hashlib.sha1(line).hexdigest()[:16]
            if record.get("type") == "samples":
                series = [s["name"] + json.dumps(s.get("labels", {}), sort_keys=True) for s in record.get("samples", [])]
                return {"seq": sequence, "id": record.get("id", ""), "ts": record.get("ts", 0), "series": series,
                        "digest": digest}
            event = record.get("event", {})
            return {"seq": sequence, "id": "event:" + str(event.get("id", "")), "ts": event.get("ts", 0),
                    "series": [], "digest": digest}

        class Ingest(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real collector behind a proxy would

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with lock:
                    connections.add(self.connection)

            def finish(self):
                try:
                    super().finish()
                except OSError:
                    pass
                with lock:
                    connections.discard(self.connection)

            def respond(self, status, headers=()):
                body = b"" if status == 204 else ("status %d from the faulty collector\n" % status).encode()
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if status != 204:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                arrived = time.time()
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with lock:
                    counter[0] += 1
                    number = counter[0]
                    mode = dict(state)
                    if mode["mode"] == "reject-once":
                        state["mode"] = "accept"
                entry = {"n": number, "t": arrived, "path": self.path}
                try:
                    if self.headers.get("Content-Encoding", "") == "gzip":
                        body = gzip.decompress(body)
                    lines = body.split(b"\n")
                    if lines and lines[-1] == b"":
                        lines.pop()
                    header = json.loads(lines[0])
                    first = header["batch"] - header["records"] + 1
                    entry.update(batch=header["batch"], count=header["records"], lines=len(lines) - 1)
                    entry["records"] = [summary(first + i, line) for i, line in enumerate(lines[1:])]
                except Exception as error:  # a malformed batch is a finding, not a crash
                    entry.update(status=400, error=str(error))
                    self.write(entry)
                    self.respond(400)
                    return
                if mode["delay"] > 0:
                    time.sleep(mode["delay"])
                headers = []
                if mode["mode"] == "reject-once":
                    status = 400
                elif mode["mode"] == "status":
                    status = mode["status"]
                    if mode["retry_after"] is not None:
                        headers.append(("Retry-After", str(mode["retry_after"])))
                else:
                    status = 204
                entry["status"] = status
                self.write(entry)
                self.respond(status, headers)

            def write(self, entry):
                # Journal first, answer second: whatever the client saw acknowledged is on file.
                with lock:
                    journal.write(json.dumps(entry) + "\n")
                    journal.flush()

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        def listen():
            global port
            server[0] = Server((address, port), Ingest)
            port = server[0].server_address[1]
            threading.Thread(target=server[0].serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

        def stop_listening():
            # Refused from now on: no listening socket, and open keep-alive connections reset.
            server[0].shutdown()
            server[0].server_close()
            server[0] = None
            with lock:
                open_connections = list(connections)
            for connection in open_connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        listen()
        emit("listening", {"port": port})
        while True:
            time.sleep(0.02)
            try:
                with open(control_path) as file:
                    wanted = json.load(file)
            except (OSError, ValueError):
                continue
            if wanted.get("generation", 0) <= state["generation"]:
                continue
            if wanted["mode"] == "refuse" and server[0] is not None:
                stop_listening()
            elif wanted["mode"] != "refuse" and server[0] is None:
                listen()
            with lock:
                state.update(mode=wanted["mode"], delay=wanted.get("delay", 0.0), status=wanted.get("status", 204),
                             retry_after=wanted.get("retry_after"), generation=wanted["generation"])
            emit("mode", {"generation": wanted["generation"]})
        """#
}
