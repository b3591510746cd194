/* The admin pages' one script: forms that ask before they act (data-confirm), and the export status page,
   which polls the job's JSON every second and shows its progress, then the download. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
  var box = document.getElementById("job");
  if (!box || box.dataset.state !== "running") { return; }
  var bar = document.getElementById("bar");
  var percent = document.getElementById("percent");
  var state = document.getElementById("state");
  var download = document.getElementById("download");

  function show(job) {
    bar.value = job.percent;
    percent.textContent = job.percent + "%";
    if (job.state === "running") {
      state.textContent = "Đang xuất: đã xử lý " + job.done + "/" + job.total + " đơn vị (trang tự cập nhật).";
      window.setTimeout(poll, 1000);
    } else if (job.state === "done") {
      state.textContent = "Đã xong.";
      download.hidden = false;
    } else {
      state.textContent = "Không xuất được tệp. Bạn hãy thử lại; nếu vẫn lỗi, báo cho người quản trị hệ thống.";
    }
  }

  function poll() {
    fetch(box.dataset.status, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(show)
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, 500);
})();
