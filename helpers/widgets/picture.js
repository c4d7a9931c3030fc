// The front end of Picture (helpers/widgets/_parts.py): a PNG at its natural size, with alt text.

function render({ model, el }) {
  const img = document.createElement("img");
  img.className = "picture-image";
  img.style.maxWidth = "100%"; // natural size, shrunk only when the page is narrower
  let url = null;
  function show() {
    const png = model.get("value");
    if (url !== null) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([png], { type: "image/png" }));
    img.src = url;
    img.alt = model.get("alt");
    const textPx = model.get("text_px"); // its smallest text, in the PNG's pixels
    if (textPx > 0) img.dataset.textPx = String(textPx);
    else delete img.dataset.textPx;
  }
  model.on("change:value", show);
  model.on("change:alt", show);
  model.on("change:text_px", show);
  show();
  el.append(img);
}

export default { render };
