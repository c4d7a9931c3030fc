// The front end of Picture (helpers/widgets/controls.py): a PNG at its natural size, with alt text.

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
  }
  model.on("change:value", show);
  model.on("change:alt", show);
  show();
  el.append(img);
}

export default { render };
