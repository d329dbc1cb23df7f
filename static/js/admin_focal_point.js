// Click the current featured image to set the focal point fields (0..1 across and down).
// Without JavaScript the editor types the two numbers.
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector("[data-focal-picker]");
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  if (!picker || !across || !down) return;
  const image = picker.querySelector("img");
  const marker = picker.querySelector(".focal-picker__marker");

  const show = () => {
    const x = parseFloat(across.value);
    const y = parseFloat(down.value);
    marker.hidden = Number.isNaN(x) || Number.isNaN(y);
    if (!marker.hidden) {
      marker.style.left = `${Math.min(Math.max(x, 0), 1) * 100}%`;
      marker.style.top = `${Math.min(Math.max(y, 0), 1) * 100}%`;
    }
  };

  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    across.value = ((event.clientX - box.left) / box.width).toFixed(3);
    down.value = ((event.clientY - box.top) / box.height).toFixed(3);
    show();
  });
  across.addEventListener("input", show);
  down.addEventListener("input", show);
  show();
});
