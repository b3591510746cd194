/* The chat page: sends what is typed (or the button pressed) to POST /api/chat and shows the replies. */
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("text");
  var send = document.getElementById("send");
  var xsrf = document.querySelector('meta[name="xsrf"]').content;

  function bubble(who, text) {
    var item = document.createElement("div");
    item.className = "msg " + who;
    var body = document.createElement("p");
    body.textContent = text;
    item.appendChild(body);
    log.appendChild(item);
    item.scrollIntoView({block: "end"});
    return item;
  }

  function show(reply) {
    var item = bubble("bot", reply.text);
    if (reply.image) {
      var img = document.createElement("img");
      img.src = reply.image;
      img.alt = "Biểu đồ";
      item.appendChild(img);
    }
    if (reply.choices && reply.choices.length) {
      var row = document.createElement("div");
      row.className = "choices";
      reply.choices.forEach(function (c) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "choice";
        b.textContent = c.label;
        b.addEventListener("click", function () { talk({choice: c.value}, c.label); });
        row.appendChild(b);
      });
      item.appendChild(row);
    }
    item.scrollIntoView({block: "end"});
  }

  function busy(on) {
    send.disabled = on;
    log.setAttribute("aria-busy", String(on));
  }

  function talk(body, shown) {
    bubble("me", shown);
    busy(true);
    fetch("/api/chat", {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-XSRFToken": xsrf},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {error: "Máy chủ không trả lời. Bạn thử lại sau nhé."}; });
    }).then(function (data) {
      if (data.error) { bubble("bot error", data.error); return; }
      data.replies.forEach(show);
    }).catch(function () {
      bubble("bot error", "Không kết nối được máy chủ. Bạn kiểm tra mạng rồi thử lại.");
    }).then(function () { busy(false); input.focus(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    talk({text: text, choice: null}, text);
  });
})();
