/* Trợ lý PAPI on a commune portal: paste
 *   <script src="https://papi.example.gov.vn/widget.js" defer></script>
 * and a button in the bottom right corner opens the chat (the same page as https://papi.example.gov.vn/,
 * in an iframe). Nothing of the portal is read; the chat's cookies belong to the chat's own address. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("papi-chat-button")) { return; }
  var base = new URL(script.src).origin;
  var frame = null;
  var button = document.createElement("button");
  button.id = "papi-chat-button";
  button.type = "button";
  button.textContent = "💬 Hỏi Trợ lý PAPI";
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483646;padding:12px 16px;" +
    "border:0;border-radius:24px;background:#b3261e;color:#fff;font:600 15px/1.2 sans-serif;" +
    "box-shadow:0 2px 8px rgba(0,0,0,.3);cursor:pointer";
  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "papi-chat-frame";
      frame.title = "Trợ lý PAPI";
      frame.src = base + "/?embed=1";
      frame.style.cssText = "position:fixed;right:16px;bottom:72px;z-index:2147483647;" +
        "width:min(380px,calc(100vw - 32px));height:min(560px,calc(100vh - 96px));border:1px solid #ccc;" +
        "border-radius:12px;background:#fff;box-shadow:0 4px 16px rgba(0,0,0,.3)";
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    button.setAttribute("aria-expanded", String(!frame.hidden));
  });
  document.body.appendChild(button);
})();
