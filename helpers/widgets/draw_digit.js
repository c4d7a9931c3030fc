// The front end of helpers/widgets/draw_digit.py (an anywidget module).
// The browser only draws: each finished stroke is sent to Python, which makes the
// 28 x 28 digit and runs the network; the answer comes back in the model's traits.

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function drawingPad(model, onStrokeEnd) {
  const size = model.get("size");
  const pad = element("canvas", "draw-digit-canvas");
  pad.width = pad.height = size;
  pad.setAttribute("role", "img");
  pad.setAttribute("aria-label", "Drawing area: draw one digit with the mouse, a pen or a finger");
  const pen = pad.getContext("2d");
  let stroke = null; // the points of the stroke being drawn, in canvas pixels

  function at(event) {
    const box = pad.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * size) / box.width,
      ((event.clientY - box.top) * size) / box.height,
    ];
  }
  function paint(points) {
    pen.beginPath();
    pen.moveTo(...points[0]);
    for (const point of points) pen.lineTo(...point);
    if (points.length === 1) pen.lineTo(points[0][0] + 0.1, points[0][1]);
    pen.stroke();
  }
  function repaint() {
    pen.fillStyle = "white";
    pen.fillRect(0, 0, size, size);
    pen.strokeStyle = "black";
    pen.lineWidth = model.get("pen");
    pen.lineCap = pen.lineJoin = "round";
    for (const points of model.get("strokes")) if (points.length) paint(points);
  }
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    stroke = [at(event)];
    paint(stroke);
  });
  pad.addEventListener("pointermove", (event) => {
    if (stroke === null) return;
    stroke.push(at(event));
    paint(stroke.slice(-2));
  });
  function end() {
    if (stroke === null) return;
    const finished = stroke;
    stroke = null;
    onStrokeEnd(finished);
  }
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  model.on("change:strokes", repaint);
  repaint();
  return pad;
}

function digitView(model) {
  const view = element("canvas", "draw-digit-pixels");
  view.width = view.height = 28;
  view.setAttribute("role", "img");
  const context = view.getContext("2d");
  function show() {
    const pixels = model.get("pixels");
    const picture = context.createImageData(28, 28);
    pixels.forEach((value, k) => {
      const ink = 255 - value; // gray_r, as in the notebooks: 0 = background, drawn white
      picture.data.set([ink, ink, ink, 255], 4 * k);
    });
    context.putImageData(picture, 0, 0);
    const inked = pixels.filter((value) => value > 0).length;
    view.setAttribute(
      "aria-label",
      `The 28 by 28 image the network sees: ${inked} of 784 pixels hold ink, shown white on black`,
    );
  }
  model.on("change:pixels", show);
  show();
  return view;
}

function probabilityBars(model) {
  const list = element("ol", "draw-digit-probabilities");
  list.setAttribute("aria-label", "The network's probability for each class");
  const rows = [];
  for (let k = 0; k < 10; k++) {
    const row = element("li", "draw-digit-class");
    const bar = element("span", "draw-digit-bar");
    const value = element("span", "draw-digit-value");
    row.append(bar, value);
    list.append(row);
    rows.push({ row, bar, value });
  }
  function show() {
    const probabilities = model.get("probabilities");
    const best = model.get("prediction");
    rows.forEach(({ row, bar, value }, k) => {
      const p = probabilities.length ? probabilities[k] : 0;
      bar.style.width = `${(100 * p).toFixed(1)}%`;
      value.textContent = probabilities.length ? `${k}: ${p.toFixed(3)}` : `${k}: –`;
      row.classList.toggle("draw-digit-best", k === best);
    });
  }
  model.on("change:probabilities", show);
  show();
  return list;
}

function render({ model, el }) {
  el.classList.add("draw-digit");
  let strokeEnded = null; // performance.now() at the end of the last stroke sent
  const pad = drawingPad(model, (stroke) => {
    strokeEnded = performance.now();
    model.set("strokes", [...model.get("strokes"), stroke]);
    model.save_changes();
  });
  const clear = element("button", "draw-digit-clear", "Clear");
  clear.type = "button";
  clear.addEventListener("click", () => {
    model.set("strokes", []);
    model.save_changes();
  });
  const decision = element("p", "draw-digit-prediction");
  decision.setAttribute("aria-live", "polite");
  const timing = element("p", "draw-digit-latency");
  function showDecision() {
    const best = model.get("prediction");
    decision.textContent = best < 0 ? "Draw a digit" : `Prediction: ${best}`;
    if (best < 0) {
      // Nothing drawn (after Clear): nothing was answered, so no time is shown.
      timing.textContent = "";
      delete el.dataset.latencyMs;
      strokeEnded = null;
    } else if (strokeEnded !== null) {
      const ms = performance.now() - strokeEnded;
      el.dataset.latencyMs = ms.toFixed(1);
      timing.textContent = `answered ${Math.round(ms)} ms after the stroke`;
      strokeEnded = null;
    }
  }
  model.on("change:prediction", showDecision);
  model.on("change:probabilities", showDecision);
  showDecision();

  const drawing = element("div", "draw-digit-column");
  drawing.append(pad, clear);
  const seen = element("div", "draw-digit-column");
  seen.append(element("p", "draw-digit-caption", "What the network sees"), digitView(model));
  const answer = element("div", "draw-digit-column");
  answer.append(decision, probabilityBars(model), timing);
  el.append(drawing, seen, answer);
}

export default { render };
