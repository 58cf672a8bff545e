#!/usr/bin/env python3
"""wb's kernel in a real JupyterLab, looked at in headless Chromium (playwright driving the system's /usr/bin/chromium).

    jupyterlab_browser.py [--static-vega] WB WORKDIR

Installs wb's kernelspec under WORKDIR/jupyter (JUPYTER_PATH points there; the other JUPYTER_* and JUPYTERLAB_* folders
are in WORKDIR too), writes WORKDIR/test.ipynb, starts JupyterLab on 127.0.0.1 (a free port, a known token, no browser,
root folder WORKDIR, its output in WORKDIR/jupyterlab.log), opens the notebook in Chromium, runs Run → Run All Cells and
watches:
  cell 1  `train …` (a few seconds): whether the live progress line ("epoch N/M …") is visible text while it trains;
  cell 2  `plot loss`: which outputs JupyterLab rendered; a Vega chart (.vega-embed with an svg or canvas), the tooltip
          when the mouse moves along the line, the x axis before and after a mouse wheel over the plot;
  cell 3  an unknown command (an error), so Run All stops;
  cell 4  `info`, aborted: its prompt.
Then it saves the notebook (WORKDIR/test.ipynb keeps the outputs' mime types), takes a screenshot of the whole notebook
(WORKDIR/jupyterlab.png; also jupyterlab-hover.png while a tooltip shows, jupyterlab-wheel-before.png and -after.png of
the chart), deletes the kernels through the REST API,
stops JupyterLab (SIGTERM, then SIGKILL) and kills whatever kernel or Chromium it started that is still alive.

--static-vega checks the Vega observations themselves without wb's figures: the notebook holds two pre-filled outputs of
application/vnd.vegalite.v5+json (a line with points, tooltips and x-axis wheel zoom), one drawn on canvas (vega-embed's
default) and one as SVG (embed_options in the output's metadata), and nothing is run.

Prints one JSON object: what was observed (with "error" holding a traceback if a step failed, "timeout" if the global
limit of 180 s was reached). The Swift test asserts on it; nothing here decides pass or fail.
"""
import json, os, re, secrets, shutil, signal, socket, subprocess, sys, threading, time, traceback, urllib.request

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
STATIC = "--static-vega" in sys.argv[1:]
WB, WORK = ARGS[0], os.path.abspath(ARGS[1])
PREFIX = os.path.join(WORK, "jupyter")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PROFILE = os.path.join(WORK, "chromium-profile")
TIMEOUT = float(os.environ.get("WB_BROWSER_TIMEOUT", "180"))  # seconds: the global limit
TRAIN = "train p=23 d_model=32 d_mlp=128 frac=0.5 epochs=3000 name=k1"  # 4 to 15 s in the browser
CELLS = [TRAIN, "plot loss", "plot frobnicate", "info"]
os.makedirs(WORK, exist_ok=True)
os.environ.update({
    "JUPYTER_PATH": os.path.join(PREFIX, "share", "jupyter"),
    "JUPYTER_DATA_DIR": os.path.join(WORK, "data"),
    "JUPYTER_RUNTIME_DIR": os.path.join(WORK, "runtime"),
    "JUPYTER_CONFIG_DIR": os.path.join(WORK, "config"),
    "JUPYTERLAB_SETTINGS_DIR": os.path.join(WORK, "lab", "user-settings"),
    "JUPYTERLAB_WORKSPACES_DIR": os.path.join(WORK, "lab", "workspaces"),
    "WB_HOME": os.path.join(WORK, "home"),
    "WB_EXECUTABLE": WB,
})
os.chdir(WORK)

out = {"mode": "static-vega" if STATIC else "kernel", "workdir": WORK, "log": os.path.join(WORK, "jupyterlab.log"),
       "screenshot": os.path.join(WORK, "jupyterlab.png"), "timings": {}}
state = {"server": None, "port": None, "token": secrets.token_hex(16), "printed": False}
lock = threading.Lock()
began = time.time()


def mark(name):
    out["timings"][name] = round(time.time() - began, 2)


# ---- files: kernelspec, settings, notebook ----

def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f)


VEGA_SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "width": 400, "height": 250,
    "data": {"values": [{"x": x, "y": (x - 6) ** 2 / 4 + 1} for x in range(1, 12)]},
    "mark": {"type": "line", "point": True, "tooltip": True},
    "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}},
    "params": [{"name": "view", "select": {"type": "interval", "encodings": ["x"]}, "bind": "scales"}],
}


def write_files():
    try:
        subprocess.run([WB, "kernel", "install", "--prefix", PREFIX, "--name", "wb"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        if not STATIC:
            raise
        out["kernelspec"] = "not installed (no kernel is needed to look at pre-filled outputs)"
    settings = os.environ["JUPYTERLAB_SETTINGS_DIR"]
    # No news or update check (a request to a website and a toast over the notebook); every cell attached to the DOM,
    # so that the text and prompts of cells out of view can be read.
    write_json(os.path.join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"),
               {"fetchNews": "false", "checkForUpdates": False})
    write_json(os.path.join(settings, "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"),
               {"windowingMode": "none"})
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output
    if STATIC:
        mime = "application/vnd.vegalite.v5+json"
        cells = [new_code_cell("# vega-embed's default renderer (canvas)", execution_count=1, outputs=[
                     new_output("display_data", data={mime: VEGA_SPEC, "text/plain": "a chart"})]),
                 new_code_cell("# the SVG renderer", execution_count=2, outputs=[
                     new_output("display_data", data={mime: VEGA_SPEC, "text/plain": "a chart"},
                                metadata={mime: {"embed_options": {"renderer": "svg"}}})])]
    else:
        cells = [new_code_cell(source) for source in CELLS]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "wb", "display_name": "wb", "language": "wb"}})
    nbformat.write(nb, os.path.join(WORK, "test.ipynb"))


# ---- JupyterLab ----

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(path, method="GET"):
    request = urllib.request.Request(f"http://127.0.0.1:{state['port']}{path}", method=method,
                                     headers={"Authorization": f"token {state['token']}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        body = response.read()
        return json.loads(body) if body else None


def start_server():
    state["port"] = free_port()
    log = open(out["log"], "w")
    state["server"] = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={state['port']}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={state['token']}", f"--ServerApp.root_dir={WORK}"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    out["server_pid"] = state["server"].pid
    deadline = time.time() + 60
    while time.time() < deadline:
        if state["server"].poll() is not None:
            raise RuntimeError(f"JupyterLab exited with status {state['server'].returncode}; see {out['log']}")
        try:
            api("/api/status")
            mark("server_up")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"JupyterLab did not answer /api/status within 60 s; see {out['log']}")


def kernels():
    try:
        return api("/api/kernels")
    except OSError:
        return []


# ---- processes ----

def alive(pid):
    """Whether pid is a live process (a zombie is not: nobody may reap an orphan in a container)."""
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def pids_mentioning(text):
    """Live processes whose command line mentions text (a kernel's connection file under WORKDIR/runtime, the Chromium
    profile folder)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline and alive(int(entry)):
            found.append(int(entry))
    return found


def kernel_pids():
    return pids_mentioning(os.path.join(WORK, "runtime") + os.sep)


def kill_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def cleanup():
    """Idempotent: the kernels through the REST API, then JupyterLab by its pid, then any kernel or Chromium left."""
    server = state["server"]
    if server is not None and server.poll() is None:
        for kernel in kernels():
            try:
                api(f"/api/kernels/{kernel['id']}", method="DELETE")
            except OSError:
                pass
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        out["server_exit"] = server.returncode
    for find in (kernel_pids, lambda: pids_mentioning(PROFILE)):
        left = find()
        kill_all(left, signal.SIGTERM)
        deadline = time.time() + 5
        while time.time() < deadline and any(alive(p) for p in left):
            time.sleep(0.1)
        kill_all([p for p in left if alive(p)], signal.SIGKILL)
    time.sleep(0.2)
    out["leftover_kernel_pids"] = kernel_pids()
    out["leftover_chromium_pids"] = pids_mentioning(PROFILE)


def report():
    with lock:
        if state["printed"]:
            return
        state["printed"] = True
        out["seconds"] = round(time.time() - began, 2)
        print(json.dumps(out), flush=True)


def watchdog():
    """At the global limit: stop everything (which also breaks the page calls of the main thread), report, exit."""
    out["timeout"] = True
    try:
        cleanup()
    finally:
        time.sleep(10)  # the main thread's finally normally reports first
        report()
        os._exit(0)


# ---- the page ----

def cell_facts(page):
    """Per code cell: its prompt, the mime type and classes of each output, and the visible text of its outputs."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].map(cell => ({
        prompt: (cell.querySelector('.jp-InputArea .jp-InputPrompt') || {}).innerText || null,
        outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
            mime: o.getAttribute('data-mime-type'), classes: o.className, text: o.innerText.slice(0, 400)})),
        text: (cell.querySelector('.jp-OutputArea') || {}).innerText || ''}))""")


def dismiss_dialogs(page):
    dialogs = page.locator(".jp-Dialog")
    while dialogs.count():
        out.setdefault("dialogs", []).append(dialogs.first.inner_text()[:300])
        buttons = dialogs.first.locator(".jp-Dialog-button.jp-mod-accept")
        (buttons.first.click() if buttons.count() else page.keyboard.press("Escape"))
        time.sleep(0.3)


def wait_kernel_idle(seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        states = [k.get("execution_state") for k in kernels()]
        if states and all(s == "idle" for s in states):
            return True
        time.sleep(0.2)
    return False


def run_all(page):
    """Run → Run All Cells in the menu bar; the command palette if the menu item is not found."""
    page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputPrompt").click()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    item = page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$"))
    try:
        item.click(timeout=3000)
        out["run_all_by"] = "menu"
    except Exception:
        page.keyboard.press("Escape")
        page.keyboard.press("Control+Shift+C")
        page.keyboard.type("Run All Cells")
        page.keyboard.press("Enter")
        out["run_all_by"] = "palette"


def watch_run(page):
    """Polls every 0.3 s until no cell is queued or running and the kernel is idle: records the progress line texts seen
    in cell 1's outputs (and whether cell 1 was still running then)."""
    pattern = re.compile(r"epoch \d+/\d+[^\n]*")
    seen, started, quiet = [], False, 0
    deadline = min(time.time() + 120, began + TIMEOUT - 50)  # time left to look, take the screenshot and clean up
    while time.time() < deadline:
        facts = cell_facts(page)
        prompts = [c["prompt"] or "" for c in facts]
        running = any("*" in p for p in prompts)
        if running and not started:
            started = True
            mark("first_cell_running")
        if started and facts and re.match(r"^\[\d+\]:$", facts[0]["prompt"] or "") and "first_cell_done" not in out["timings"]:
            mark("first_cell_done")
        if facts:
            for match in pattern.findall(facts[0]["text"]):
                if not seen or seen[-1]["text"] != match:
                    seen.append({"text": match, "at": round(time.time() - began, 2),
                                 "cell_running": "*" in (facts[0]["prompt"] or "")})
        states = [k.get("execution_state") for k in kernels()]
        idle = bool(states) and all(s == "idle" for s in states)
        quiet = quiet + 1 if started and not running and idle else 0
        if quiet >= 3:
            break
        if not started and time.time() - out["timings"]["run_all"] - began > 15:
            break  # Run All did not start anything
        time.sleep(0.3)
    mark("run_finished")
    out["run_started"] = started
    out["run_finished"] = quiet >= 3
    out["progress_seen"] = [s for s in seen if s["cell_running"]][:50]
    out["progress_visible_while_training"] = bool(out["progress_seen"])
    out["progress_texts_after"] = [s["text"] for s in seen if not s["cell_running"]][:5]


VEGA_FACTS = """area => {
    const root = area.querySelector('.vega-embed') || area.querySelector('.jp-RenderedVegaCommon5');
    return {vega: !!root, embed: !!area.querySelector('.vega-embed'),
            svg: !!(root && root.querySelector('svg.marks')), canvas: !!(root && root.querySelector('canvas.marks'))};
}"""

# Screen points on the plotted line: the point symbols (SVG), else points along the line's path (SVG), else the columns
# of coloured pixels (canvas: the line is the only saturated colour; axes and grid are grey).
LINE_POINTS = """area => {
    const root = area.querySelector('.vega-embed') || area.querySelector('.jp-RenderedVegaCommon5');
    if (!root) return [];
    const points = [];
    const svg = root.querySelector('svg.marks');
    if (svg) {
        for (const p of svg.querySelectorAll('.mark-symbol path')) {
            const r = p.getBoundingClientRect();
            points.push([r.x + r.width / 2, r.y + r.height / 2]);
        }
        if (!points.length) for (const p of svg.querySelectorAll('.mark-line path')) {
            const length = p.getTotalLength(), m = p.getScreenCTM();
            for (let i = 0; i <= 30; i++) {
                const q = p.getPointAtLength(length * i / 30), s = new DOMPoint(q.x, q.y).matrixTransform(m);
                points.push([s.x, s.y]);
            }
        }
        return points;
    }
    const canvas = root.querySelector('canvas.marks');
    if (!canvas) return [];
    const w = canvas.width, h = canvas.height, d = canvas.getContext('2d').getImageData(0, 0, w, h).data;
    const r = canvas.getBoundingClientRect(), columns = new Map();
    for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) {
        const i = (y * w + x) * 4;
        if (d[i + 3] > 200 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) {
            if (!columns.has(x)) columns.set(x, []);
            columns.get(x).push(y);
        }
    }
    const xs = [...columns.keys()];
    for (let k = 0; k < 40 && xs.length; k++) {
        const x = xs[Math.floor(k * (xs.length - 1) / 39)], ys = columns.get(x);
        points.push([r.x + x * r.width / w, r.y + ys[Math.floor(ys.length / 2)] * r.height / h]);
    }
    return points;
}"""

TOOLTIP = """() => {
    const t = document.getElementById('vg-tooltip-element');
    if (!t) return null;
    const style = getComputedStyle(t);
    return {classes: t.className, text: t.innerText,
            visible: t.classList.contains('visible') && style.display !== 'none' && style.visibility !== 'hidden'};
}"""

# The x axis: its aria-label (SVG: "X-axis titled … for a linear scale with values from A to B") and label texts; on a
# canvas there are none, and the pixels of the canvas's bottom tenth (the x axis's labels and title) are compared instead.
X_AXIS = """area => {
    const root = area.querySelector('.vega-embed') || area.querySelector('.jp-RenderedVegaCommon5');
    const svg = root && root.querySelector('svg.marks');
    const canvas = root && root.querySelector('canvas.marks');
    let pixels = null;
    if (canvas) {
        const top = Math.floor(canvas.height * 0.9);
        const d = canvas.getContext('2d').getImageData(0, top, canvas.width, canvas.height - top).data;
        let h1 = 0, h2 = 0;
        for (let i = 0; i < d.length; i++) { h1 = (h1 * 31 + d[i]) >>> 0; h2 = (h2 + d[i] * (i % 977 + 1)) >>> 0; }
        pixels = h1 + ':' + h2;
    }
    const result = {aria: null, labels: null, pixels};
    if (svg) {
        const axes = [...svg.querySelectorAll('g.role-axis')];
        const x = axes.find(a => (a.getAttribute('aria-label') || '').startsWith('X-axis')) || axes[0];
        if (x) {
            result.aria = x.getAttribute('aria-label');
            result.labels = [...x.querySelectorAll('.role-axis-label text')].map(t => t.textContent);
        }
    }
    return result;
}"""


def observe_chart(page, index, prefix):
    """Looks at the chart in code cell `index` (0-based): out[prefix + …]."""
    dismiss_dialogs(page)
    area = page.locator(".jp-Notebook .jp-CodeCell").nth(index).locator(".jp-OutputArea")
    area.scroll_into_view_if_needed()
    time.sleep(0.5)
    facts = area.evaluate(VEGA_FACTS)
    out[prefix + "vega"] = facts["vega"]
    out[prefix + "vega_embed"] = facts["embed"]
    out[prefix + "vega_svg"] = facts["svg"]
    out[prefix + "vega_canvas"] = facts["canvas"]
    out[prefix + "images"] = area.evaluate(
        "a => [...a.querySelectorAll('img')].map(i => ({src: i.src.slice(0, 30), width: i.naturalWidth}))")
    if not facts["vega"]:
        return
    points = area.evaluate(LINE_POINTS)
    out[prefix + "line_points"] = len(points)
    tooltip, tried = None, 0
    for x, y in points:
        tried += 1
        page.mouse.move(x, y, steps=3)
        time.sleep(0.15)
        t = page.evaluate(TOOLTIP)
        if t and t["visible"] and t["text"].strip():
            tooltip = t
            page.screenshot(path=os.path.join(WORK, "jupyterlab-hover.png"))
            break
    out[prefix + "hover_points_tried"] = tried
    out[prefix + "tooltip_visible"] = tooltip is not None
    out[prefix + "tooltip_text"] = " ".join(tooltip["text"].split()) if tooltip else None  # "x: 2 y: 5"
    # The wheel: over the middle of the line, at rest, axis read before and after.
    if points:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    else:
        box = area.bounding_box()
        cx, cy = box["x"] + box["width"] / 3, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy, steps=3)
    time.sleep(0.4)
    before = area.evaluate(X_AXIS)
    area.screenshot(path=os.path.join(WORK, prefix + "jupyterlab-wheel-before.png"))
    page.mouse.wheel(0, -400)
    time.sleep(0.8)
    after = area.evaluate(X_AXIS)
    area.screenshot(path=os.path.join(WORK, prefix + "jupyterlab-wheel-after.png"))
    out[prefix + "x_axis_before"] = {"aria": before["aria"], "labels": before["labels"]}
    out[prefix + "x_axis_after"] = {"aria": after["aria"], "labels": after["labels"]}
    out[prefix + "wheel_changed_labels"] = (before["labels"] != after["labels"]) if before["labels"] is not None else None
    out[prefix + "wheel_changed_pixels"] = (before["pixels"] != after["pixels"]) if before["pixels"] is not None else None
    out[prefix + "wheel_changed"] = bool(out[prefix + "wheel_changed_labels"] or out[prefix + "wheel_changed_pixels"])


def screenshot(page):
    """The whole notebook in one picture: the viewport made as tall as the notebook's content (at most 5,000 px)."""
    extra = page.evaluate("""() => {
        const s = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer') ||
                  document.querySelector('.jp-NotebookPanel-notebook');
        return s ? s.scrollHeight - s.clientHeight : 0; }""")
    page.set_viewport_size({"width": 1400, "height": min(5000, 1000 + max(0, extra) + 40)})
    time.sleep(0.8)
    page.screenshot(path=out["screenshot"], full_page=True)


def saved_outputs():
    """The mime types of each code cell's outputs in the saved notebook (what the kernel sent, plus what JupyterLab's
    renderers added), and its execution counts."""
    import nbformat
    nb = nbformat.read(os.path.join(WORK, "test.ipynb"), as_version=4)
    return [{"execution_count": c.get("execution_count"),
             "outputs": [{"output_type": o.output_type, "mime_types": sorted(o.get("data", {}))} for o in c.outputs]}
            for c in nb.cells if c.cell_type == "code"]


def main():
    write_files()
    start_server()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            PROFILE, executable_path=CHROMIUM, headless=True, viewport={"width": 1400, "height": 1000},
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = context.pages[0] if context.pages else context.new_page()
        console = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"[:300])
                if m.type in ("error", "warning") and "willReadFrequently" not in m.text else None)  # that one is ours
        page.goto(f"http://127.0.0.1:{state['port']}/lab/tree/test.ipynb?token={state['token']}", timeout=60000)
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60000)
        mark("notebook_shown")
        time.sleep(0.5)
        dismiss_dialogs(page)
        out["kernel_idle_at_start"] = wait_kernel_idle(10 if STATIC else 30)
        mark("kernel_idle")
        dismiss_dialogs(page)  # a modal dialog (Select Kernel when the kernelspec is missing) would swallow the mouse
        try:
            if STATIC:
                observe_chart(page, 0, "canvas_")
                observe_chart(page, 1, "svg_")
            else:
                out["timings"]["run_all"] = round(time.time() - began, 2)
                run_all(page)
                watch_run(page)
                dismiss_dialogs(page)
                observe_chart(page, 1, "")
        except Exception:
            page.screenshot(path=out["screenshot"])  # what the page showed when the step failed
            raise
        out["cells"] = cell_facts(page)
        out["prompts"] = [c["prompt"] for c in out["cells"]]
        page.keyboard.press("Control+s")
        time.sleep(1.0)
        dismiss_dialogs(page)
        screenshot(page)
        mark("screenshot")
        out["console"] = {text: console.count(text) for text in sorted(set(console))[:30]}
        context.close()
    try:
        out["saved"] = saved_outputs()
    except Exception as error:
        out["saved"] = f"unreadable: {error}"
    out["kernel_pids_before_shutdown"] = kernel_pids()


if __name__ == "__main__":
    timer = threading.Timer(TIMEOUT, watchdog)
    timer.daemon = True
    timer.start()
    try:
        main()
    except BaseException:
        out["error"] = traceback.format_exc()[-3000:]
    finally:
        try:
            cleanup()
        except Exception:
            out["cleanup_error"] = traceback.format_exc()[-2000:]
        out["screenshot_exists"] = os.path.exists(out["screenshot"]) and os.path.getsize(out["screenshot"]) > 0
        timer.cancel()
        report()
