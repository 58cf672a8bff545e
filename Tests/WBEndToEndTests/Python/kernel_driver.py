#!/usr/bin/env python3
"""Drives wb's Jupyter kernel with real Jupyter clients (jupyter_client, nbclient, pyzmq), for wb's tests and benchmarks.

    kernel_driver.py MODE WB WORKDIR [ARGS]

MODE is protocol, interrupt (ARGS: signal|message), fuzz (ARGS: count), notebook (ARGS: an .ipynb to execute), orphan
(a front end killed under a training cell) or bench.
The kernelspec is installed under WORKDIR/jupyter (JUPYTER_PATH points there), the kernel runs in WORKDIR with
WB_HOME=WORKDIR/home, and its stderr goes to WORKDIR/kernel.log. Prints one JSON object: what was observed. The Swift
tests assert on it; nothing here decides pass or fail except a crash of the driver itself.
"""
import json, os, queue, random, statistics, subprocess, sys, time, uuid
import xml.etree.ElementTree as ET

MODE, WB, WORK = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
ARGS = sys.argv[4:]
PREFIX = os.path.join(WORK, "jupyter")
os.makedirs(WORK, exist_ok=True)
os.environ.update({
    "JUPYTER_PATH": os.path.join(PREFIX, "share", "jupyter"),
    "JUPYTER_DATA_DIR": os.path.join(WORK, "data"),
    "JUPYTER_RUNTIME_DIR": os.path.join(WORK, "runtime"),
    "JUPYTER_CONFIG_DIR": os.path.join(WORK, "config"),
    "WB_HOME": os.path.join(WORK, "home"),
    "WB_EXECUTABLE": WB,
})
os.chdir(WORK)

from jupyter_client.manager import KernelManager  # noqa: E402
from jupyter_client.session import Session  # noqa: E402
import zmq  # noqa: E402

SMALL = 'p=23 d_model=32 d_mlp=128 frac=0.5'
LOG = os.path.join(WORK, "kernel.log")


def install(interrupt_mode="signal", name="wb"):
    subprocess.run([WB, "kernel", "install", "--prefix", PREFIX, "--name", name, "--interrupt-mode", interrupt_mode],
                   check=True, capture_output=True)


def start(name="wb"):
    km = KernelManager(kernel_name=name)
    started = time.time()
    km.start_kernel(cwd=WORK, stderr=open(LOG, "a"))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    return km, kc, time.time() - started


def run(kc, code, timeout=120, **options):
    """Executes code; returns (reply content, [(msg_type, content)] of the iopub messages with this request as parent)."""
    msg_id = kc.execute(code, **options)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    messages = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=5)
        except queue.Empty:
            break
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append((msg["msg_type"], msg["content"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    return reply["content"], messages


def shell_reply(kc, msg_id, timeout=10):
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"]


def svg_parses(svg):
    try:
        ET.fromstring(svg)
        return True
    except ET.ParseError:
        return False


def vegalite_summary(data):
    """What a display's Vega-Lite spec holds: None without one, else its schema, marks and parameter bindings."""
    spec = data.get("application/vnd.vegalite.v5+json")
    if not isinstance(spec, dict):
        return None
    layers = spec.get("layer", [])
    return {"schema": spec.get("$schema"), "marks": [l.get("mark", {}).get("type") for l in layers],
            "binds": [p["bind"] for l in layers for p in l.get("params", []) if "bind" in p]}


def png_size(data):
    """Bytes of a display's PNG (base64-decoded), 0 when it has none or it is not a PNG."""
    import base64
    try:
        raw = base64.b64decode(data.get("image/png", ""))
    except ValueError:
        return 0
    return len(raw) if raw.startswith(b"\x89PNG") else 0


def drain_iopub(kc, seconds=0.3):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            pass


def log_text():
    return open(LOG).read() if os.path.exists(LOG) else ""


def protocol():
    install()
    km, kc, start_seconds = start()
    out = {"start_seconds": start_seconds}
    info = kc.kernel_info(reply=True, timeout=10)["content"]
    out["kernel_info"] = info
    reply, messages = run(kc, f"train {SMALL} epochs=300 name=k1\nplot loss")
    out["train_status"] = reply["status"]
    out["train_types"] = [t for t, _ in messages]
    out["train_text"] = "".join(c.get("text", "") for t, c in messages if t == "stream")
    displays = [c for t, c in messages if t in ("display_data", "update_display_data")]
    out["display_ids"] = sorted({c.get("transient", {}).get("display_id", "") for c in displays})
    figures = [c["data"] for t, c in messages if t == "display_data" and not c.get("transient", {}).get("display_id")]
    out["figures"] = [{"title": d.get("text/plain"), "svg_parses": svg_parses(d.get("image/svg+xml", "")),
                       "mimes": list(d.keys()), "vegalite": vegalite_summary(d), "png": png_size(d)} for d in figures]
    live = [c for c in displays if c.get("transient", {}).get("display_id")]
    out["live_updates"] = len(live)
    # Training shows two displays, each updated in place: the progress line (text), then the loss chart.
    live_ids = []
    for c in live:
        if c["transient"]["display_id"] not in live_ids:
            live_ids.append(c["transient"]["display_id"])
    out["live_display_ids"] = len(live_ids)
    last = {i: [c["data"] for c in live if c["transient"]["display_id"] == i][-1] for i in live_ids}
    line = last[live_ids[0]] if live_ids else {}
    chart = last[live_ids[1]] if len(live_ids) > 1 else {}
    out["live_last_text"] = line.get("text/plain")
    out["live_line_mimes"] = list(line.keys())
    out["live_last_svg_parses"] = svg_parses(chart.get("image/svg+xml", ""))
    out["live_chart_vegalite"] = vegalite_summary(chart)
    out["live_chart_png"] = png_size(chart)
    out["complete_tra"] = kc.complete("tra", 3, reply=True, timeout=10)["content"]
    out["complete_key"] = kc.complete("train p=23 wd", 13, reply=True, timeout=10)["content"]
    out["inspect_range"] = kc.inspect("range 1..2", 2, reply=True, timeout=10)["content"]
    out["inspect_key"] = kc.inspect("train wd=0.3", 7, reply=True, timeout=10)["content"]
    out["inspect_nothing"] = kc.inspect("zzz", 1, reply=True, timeout=10)["content"]
    out["is_complete"] = shell_reply(kc, kc.is_complete("info"))
    out["is_complete_bad"] = shell_reply(kc, kc.is_complete('plot "unterminated'))
    reply, messages = run(kc, "frobnicate")
    out["unknown_reply"] = reply
    out["unknown_iopub"] = messages
    # Run All after an error: a request queued behind the failing one is aborted, with no execution count.
    # The failing cell trains first, so the queued request surely arrives while it runs (as Run All sends them), then
    # puts k1 back as the current run.
    failing = kc.execute(f"load k1\ntrain {SMALL} epochs=400 name=before_error\nload k1\nfrobnicate")
    queued = kc.execute("info")
    shell_reply(kc, failing)
    out["aborted_reply"] = shell_reply(kc, queued)
    drain_iopub(kc, 0.5)
    reply, messages = run(kc, "info")
    out["after_error_status"] = reply["status"]
    out["after_error_text"] = "".join(c.get("text", "") for t, c in messages if t == "stream")
    count = reply["execution_count"]
    reply, messages = run(kc, "info", silent=True)
    out["silent"] = {"count": reply["execution_count"], "types": [t for t, _ in messages]}
    reply, messages = run(kc, "runs", store_history=False)
    out["no_history"] = {"count": reply["execution_count"], "types": [t for t, _ in messages], "before": count}
    out["history"] = kc.history(hist_access_type="tail", n=2, output=True, reply=True, timeout=10)["content"]
    out["history_search"] = kc.history(hist_access_type="search", pattern="train*", reply=True, timeout=10)["content"]
    out["comm_info"] = kc.comm_info(reply=True, timeout=10)["content"]
    # A message signed with a wrong key: dropped (never executed, no reply), and logged.
    forger = Session(key=b"not-the-key", session=str(uuid.uuid4()))
    forger.send(kc.shell_channel.socket, "execute_request",
                {"code": "train p=23 epochs=10 name=forged", "silent": False, "store_history": True,
                 "user_expressions": {}, "allow_stdin": False})
    time.sleep(1.5)
    try:
        kc.get_shell_msg(timeout=0.5)
        out["forged_reply"] = True
    except queue.Empty:
        out["forged_reply"] = False
    out["forged_run_exists"] = os.path.exists(os.path.join(WORK, "runs", "forged"))
    out["forged_logged"] = "bad signature" in log_text()
    reply, _ = run(kc, "info")
    out["after_forged_status"] = reply["status"]
    # A question to the person (a sweep above 1,000 points asks for confirmation): input_request on stdin when the front
    # end allows input, a refusal that says how to go on when it does not.
    big = "sweep big p=23 d_model=32 d_mlp=128 epochs=10 seeds=0..1000"
    msg_id = kc.execute(big, allow_stdin=True)
    request = kc.get_stdin_msg(timeout=30)
    out["input_prompt"] = request["content"]["prompt"]
    kc.input("n")
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    texts = []
    while True:
        msg = kc.get_iopub_msg(timeout=10)
        if msg["parent_header"].get("msg_id") == msg_id:
            if msg["msg_type"] == "stream":
                texts.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
    out["declined"] = {"status": reply["content"]["status"], "text": "".join(texts),
                       "started": os.path.exists(os.path.join(WORK, "runs", "big"))}
    reply, _ = run(kc, big, allow_stdin=False)
    out["no_stdin"] = reply
    # Restart: a shutdown_request with restart, then jupyter_client starts a new process; the session starts afresh.
    old_pid = km.provisioner.process.pid
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    reply, messages = run(kc, "info")
    out["restart"] = {"new_process": km.provisioner.process.pid != old_pid, "count": reply["execution_count"],
                      "text": "".join(c.get("text", "") for t, c in messages if t == "stream")}
    # Shutdown: the kernel replies and exits by itself.
    kc.shutdown()
    reply = kc.get_control_msg(timeout=10) if hasattr(kc, "get_control_msg") else None
    out["shutdown_reply"] = reply["content"] if reply else None
    process = km.provisioner.process
    deadline = time.time() + 10
    while time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    out["exit_code"] = process.poll()
    kc.stop_channels()
    if process.poll() is None:
        km.shutdown_kernel(now=True)
    return out


def interrupt():
    mode = ARGS[0] if ARGS else "signal"
    install(interrupt_mode=mode)
    km, kc, _ = start()
    code = f'train {SMALL} epochs=1000000 checkpoints="0..1000000 step 100000" name=long'
    msg_id = kc.execute(code)
    started = None
    deadline = time.time() + 60
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "display_data":
            started = time.time()
            break
    time.sleep(1.0)
    began = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    seconds = time.time() - began
    messages = []
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=2)
        except queue.Empty:
            break
        if msg["parent_header"].get("msg_id") == msg_id:
            messages.append((msg["msg_type"], msg["content"]))
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
    folder = os.path.join(WORK, "runs", "long", "checkpoints")
    checkpoints = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    after, after_messages = run(kc, "info")
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    return {"mode": mode, "training_started": started is not None, "reply": reply["content"], "seconds": seconds,
            "text": "".join(c.get("text", "") for t, c in messages if t == "stream"),
            "types": [t for t, _ in messages], "checkpoints": checkpoints, "after_status": after["status"],
            "after_text": "".join(c.get("text", "") for t, c in after_messages if t == "stream")}


def fuzz():
    count = int(ARGS[0]) if ARGS else 10000
    install()
    km, kc, _ = start()
    info = km.get_connection_info()
    key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
    signer = Session(key=key)
    context = zmq.Context()
    ip = info["ip"]

    def dealer(port):
        s = context.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(f"tcp://{ip}:{port}")
        return s

    targets = [dealer(info["shell_port"]), dealer(info["control_port"]), dealer(info["stdin_port"])]
    heart = context.socket(zmq.REQ)
    heart.setsockopt(zmq.LINGER, 0)
    heart.connect(f"tcp://{ip}:{info['hb_port']}")
    rng = random.Random(20261202)
    valid_header = lambda t: json.dumps({"msg_id": str(uuid.uuid4()), "session": "fuzz", "username": "fuzz",
                                         "date": "2026-12-02T00:00:00Z", "msg_type": t, "version": "5.3"}).encode()
    types = ["kernel_info_request", "complete_request", "inspect_request", "is_complete_request", "history_request",
             "comm_info_request", "execute_request", "interrupt_request", "comm_open", "nonsense_request", ""]
    oddities = [None, 5, -1, 2 ** 70, "x" * 1000, [], {}, [1, 2], True, 1.5, "\u0000", "\ud7ff"]

    def junk(n):
        return bytes(rng.getrandbits(8) for _ in range(n))

    def odd_content(t):
        content = {}
        for field in ["code", "cursor_pos", "detail_level", "silent", "store_history", "hist_access_type", "n", "pattern",
                      "start", "stop", "output", "unique", "restart"]:
            if rng.random() < 0.5:
                content[field] = rng.choice(oddities)
        if t == "execute_request":
            content["code"] = rng.choice([None, 5, [], {}, "", "   ", "\n\n", "# a note", "help zzz", ";;;", "at epoch x"])
        return content

    kinds = {}
    heartbeat_failures = 0
    heartbeat_max_ms = 0.0
    sent = 0
    for i in range(count):
        kind = rng.choice(["random_frames", "no_delimiter", "short", "bad_json", "wrong_signature", "no_signature",
                           "signed_odd_content", "signed_bad_header", "huge", "empty"])
        if kind == "huge" and rng.random() < 0.9:
            kind = "bad_json"  # huge frames are few: each is megabytes
        kinds[kind] = kinds.get(kind, 0) + 1
        sock = rng.choice(targets)
        if kind == "random_frames":
            frames = [junk(rng.randint(0, 64)) for _ in range(rng.randint(1, 9))]
        elif kind == "no_delimiter":
            frames = [b"sig", valid_header("kernel_info_request"), b"{}", b"{}", b"{}"]
        elif kind == "short":
            frames = [b"<IDS|MSG>"] + [b"{}"] * rng.randint(0, 4)
        elif kind == "bad_json":
            parts = [valid_header("kernel_info_request"), b"{}", b"{}", b"{}"]
            parts[rng.randrange(4)] = rng.choice([b"{", b"[1,2", b"nul", junk(20), b"\xff\xfe", b"", b"[]", b"3", b'"s"'])
            frames = [b"<IDS|MSG>", signer.sign(parts)] + parts
        elif kind == "wrong_signature":
            parts = [valid_header(rng.choice(types)), b"{}", b"{}", json.dumps({"code": "train p=23 name=evil"}).encode()]
            good = signer.sign(parts)
            altered = good[:-1] + (b"1" if good.endswith(b"0") else b"0")  # one hex digit off
            frames = [b"<IDS|MSG>", rng.choice([b"", b"00" * 32, junk(64), altered, good.upper()])] + parts
        elif kind == "no_signature":
            parts = [valid_header("execute_request"), b"{}", b"{}", json.dumps({"code": "train p=23 name=evil"}).encode()]
            frames = [b"<IDS|MSG>"] + parts
        elif kind == "signed_odd_content":
            t = rng.choice(types)
            parts = [valid_header(t), b"{}", b"{}", json.dumps(odd_content(t)).encode()]
            frames = [b"<IDS|MSG>", signer.sign(parts)] + parts
        elif kind == "signed_bad_header":
            header = rng.choice([{}, {"msg_type": 5}, {"msg_type": None}, {"msg_type": ""}, {"msg_id": []},
                                 {"msg_type": "kernel_info_request", "msg_id": 7, "session": {}}])
            parts = [json.dumps(header).encode(), b"{}", b"{}", b"{}"]
            frames = [b"<IDS|MSG>", signer.sign(parts)] + parts
        elif kind == "huge":
            size = rng.choice([8 << 20, 100 << 20])
            frames = [b"<IDS|MSG>", b"sig", b"{" * size, b"{}", b"{}", b"{}"]
        else:
            frames = [b""]
        if kind == "huge":
            # On a connection of its own: above the kernel's limit (64 MiB) the kernel drops the connection.
            port = rng.choice([info["shell_port"], info["control_port"], info["stdin_port"]])
            own = dealer(port)
            own.send_multipart(frames)
            time.sleep(0.3)
            own.close()
        else:
            sock.send_multipart(frames)
        sent += 1
        for s in targets:
            while s.poll(0):
                s.recv_multipart()
        if i % 250 == 0:
            began = time.time()
            heart.send(b"ping")
            if heart.poll(3000):
                heart.recv()
                heartbeat_max_ms = max(heartbeat_max_ms, (time.time() - began) * 1000)
            else:
                heartbeat_failures += 1
                heart.close()
                heart = context.socket(zmq.REQ)
                heart.setsockopt(zmq.LINGER, 0)
                heart.connect(f"tcp://{ip}:{info['hb_port']}")
    time.sleep(0.5)
    alive = km.is_alive()
    began = time.time()
    reply = kc.kernel_info(reply=True, timeout=60)["content"] if alive else None
    kernel_info_seconds = time.time() - began
    after, messages = run(kc, "info") if alive else ({}, [])
    heart.send(b"last")
    last_beat = bool(heart.poll(3000))
    for s in targets + [heart]:
        s.close()
    context.term()
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    evil = os.path.exists(os.path.join(WORK, "runs", "evil"))
    dropped = log_text().count("dropped a message")
    return {"sent": sent, "kinds": kinds, "alive": alive, "kernel_info_after": bool(reply and reply.get("status") == "ok"),
            "execute_after": after.get("status"), "heartbeat_failures": heartbeat_failures, "last_heartbeat": last_beat,
            "heartbeat_max_ms": heartbeat_max_ms, "kernel_info_seconds": kernel_info_seconds, "evil_run_exists": evil, "dropped_logged": dropped}


def notebook():
    import nbformat
    from nbclient import NotebookClient
    install()
    path = ARGS[0]
    nb = nbformat.read(path, as_version=4)
    began = time.time()
    NotebookClient(nb, kernel_name="wb", timeout=600, resources={"metadata": {"path": WORK}}).execute()
    seconds = time.time() - began
    executed = os.path.join(WORK, "executed.ipynb")
    nbformat.write(nb, executed)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        streams = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        titles = [o.data.get("text/plain") for o in cell.outputs if o.output_type == "display_data"]
        errors = [o.evalue for o in cell.outputs if o.output_type == "error"]
        cells.append({"source": cell.source, "stream": streams, "titles": titles, "errors": errors,
                      "execution_count": cell.execution_count})
    return {"seconds": seconds, "cells": cells, "executed": executed, "kernelspec": nb.metadata.get("kernelspec")}


def alive(pid):
    """Whether pid is a live process (a zombie is not: nobody may reap an orphan in a container)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def orphan_front_end():
    """The front end that dies: starts the kernel, starts a long training cell, then kills itself with SIGKILL."""
    km, kc, _ = start()
    msg_id = kc.execute(f'train {SMALL} epochs=1000000 checkpoints="0..1000000 step 100000" name=long')
    deadline = time.time() + 60
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "display_data":
            break
    time.sleep(1.0)
    with open(os.path.join(WORK, "orphan.pid"), "w") as f:
        f.write(str(km.provisioner.process.pid))
    os.kill(os.getpid(), 9)


def orphan():
    """A front end killed while its kernel trains: how long the kernel lives on, and what it left on disk."""
    install()
    front_end = subprocess.Popen([sys.executable, os.path.abspath(__file__), "orphan_front_end", WB, WORK],
                                 stdout=subprocess.DEVNULL)
    front_end.wait(timeout=180)
    pid = int(open(os.path.join(WORK, "orphan.pid")).read())
    killed = time.time()
    seconds = None
    while time.time() - killed < 30:
        if not alive(pid):
            seconds = time.time() - killed
            break
        time.sleep(0.05)
    if seconds is None:
        os.kill(pid, 9)  # leave nothing behind
    folder = os.path.join(WORK, "runs", "long", "checkpoints")
    return {"front_end_status": front_end.returncode, "kernel_exit_seconds": seconds,
            "checkpoints": sorted(os.listdir(folder)) if os.path.isdir(folder) else [], "log": log_text()}


def bench():
    install()
    starts = []
    for _ in range(5):
        km, kc, seconds = start()
        starts.append(seconds)
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    km, kc, _ = start()
    run(kc, "info")
    trips = []
    for _ in range(100):
        began = time.time()
        run(kc, "info")
        trips.append(time.time() - began)
    reply, _ = run(kc, 'train p=113 frac=0.3 epochs=20 checkpoints="0,20" name=bench-freq\nanalyze', timeout=600)
    plots = []
    for _ in range(20):
        began = time.time()
        reply, messages = run(kc, "plot freq")
        plots.append(time.time() - began)
    ok = reply["status"] == "ok" and any(t == "display_data" for t, _ in messages)
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    return {"start_to_kernel_info_ms": statistics.median(starts) * 1000,
            "execute_info_round_trip_ms": statistics.median(trips) * 1000,
            "plot_freq_round_trip_ms": statistics.median(plots) * 1000, "plot_ok": ok}


print(json.dumps({"protocol": protocol, "interrupt": interrupt, "fuzz": fuzz, "notebook": notebook, "bench": bench,
                  "orphan": orphan, "orphan_front_end": orphan_front_end}[MODE]()))
