/// The Python side of `TOMLDifferentialTests`: reads one document per line (hex of its bytes)
/// and prints one verdict per line, in order:
/// - `ok CANONICAL`: valid TOML, in the form `TOMLCanonicalForm` writes;
/// - `date CANONICAL`: valid TOML holding a date or time (netwarden rejects those on purpose);
/// - `big CANONICAL`: tomllib accepted an integer outside 64 bits, which TOML 1.0 says a parser
///   must reject when it cannot keep it losslessly (netwarden does);
/// - `err MESSAGE`: not TOML (tomllib's error, or not UTF-8).
enum TOMLReferenceScript {
    static let source = #"""
        import datetime, math, struct, sys, tomllib

        class Flags:
            date = False
            big = False

        def quoted(text):
            return '"' + text.encode("utf-8").hex() + '"'

        def canon(value, flags):
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, int):
                if not -(2**63) <= value < 2**63:
                    flags.big = True
                return "i" + str(value)
            if isinstance(value, float):
                return "fnan" if math.isnan(value) else "f" + struct.pack(">d", value).hex()
            if isinstance(value, str):
                return "s" + quoted(value)
            if isinstance(value, dict):
                keys = sorted(value, key=lambda key: key.encode("utf-8"))
                return "{" + ",".join(quoted(key) + ":" + canon(value[key], flags) for key in keys) + "}"
            if isinstance(value, list):
                return "[" + ",".join(canon(item, flags) for item in value) + "]"
            if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
                flags.date = True
                return "d" + quoted(value.isoformat())
            raise TypeError(type(value))

        for line in sys.stdin:
            data = bytes.fromhex(line.strip())
            try:
                document = tomllib.loads(data.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                print("err " + str(error).replace("\n", " "))
                continue
            flags = Flags()
            form = canon(document, flags)
            print(("big " if flags.big else "date " if flags.date else "ok ") + form)
        """#
}
