// The front end of Slider (helpers/widgets/_parts.py): the browser's range input with a label.

let count = 0;

function render({ model, el }) {
  const id = `labelled-slider-${++count}-${Math.random().toString(36).slice(2, 8)}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "labelled-slider-label";
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  const readout = document.createElement("output");
  readout.className = "labelled-slider-readout";
  readout.htmlFor = id;

  const text = (value) => Number(value).toFixed(model.get("decimals"));
  function show() {
    label.textContent = model.get("description");
    input.min = model.get("min");
    input.max = model.get("max");
    input.step = model.get("step");
    input.value = model.get("value");
    input.setAttribute("aria-valuetext", text(input.value));
    readout.textContent = text(input.value);
  }
  // While dragging, only the read-out follows; Python hears the value once it is let go
  // (or at each arrow key), like ipywidgets' continuous_update=False.
  input.addEventListener("input", () => {
    readout.textContent = text(input.value);
  });
  input.addEventListener("change", () => {
    model.set("value", Number(input.value));
    model.save_changes();
  });
  model.on("change", show);
  show();
  el.classList.add("labelled-slider");
  // Keys pressed on the slider stay with it: JupyterLab's notebook would otherwise take
  // the arrow keys for itself (and cancel them), as ipywidgets' own controls prevent too.
  el.addEventListener("keydown", (event) => event.stopPropagation());
  el.append(label, input, readout);
}

export default { render };
