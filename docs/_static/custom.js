// Under each diagram, a link to the SVG alone, so that a reader on a phone
// can open it full size and zoom.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("div.graphviz object[data]").forEach(function (obj) {
    var link = document.createElement("a");
    link.href = obj.getAttribute("data");
    link.className = "graphviz-full";
    link.textContent = "Open the diagram full size";
    obj.parentNode.appendChild(link);
  });
});
