/* /work: send the photo picked in the case panel to POST /api/v1/cases/{id}/photos (multipart,
   with the page's form token), and say how it went. The file goes straight to the API: it never
   travels inside a callback. Returns [answer for the panel to reload on, message]. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  gridops_work: {
    send_photo: function (contents, filename, caseId, stage, token, words) {
      var skip = window.dash_clientside.no_update;
      if (!contents) return [skip, ""];
      if (typeof caseId !== "number") return [skip, words.pick_case];
      var comma = contents.indexOf(",");
      var type = contents.slice(5, comma).split(";")[0] || "application/octet-stream";
      var raw = atob(contents.slice(comma + 1));
      var bytes = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      var form = new FormData();
      form.append("stage", stage || "after");
      form.append("file", new Blob([bytes], {type: type}), filename || "photo");
      return fetch("/api/v1/cases/" + caseId + "/photos", {
        method: "POST", body: form, credentials: "same-origin", headers: {"X-CSRF-Token": token}
      }).then(function (r) {
        return r.json().then(function (b) { return [r.status, b]; }, function () { return [r.status, {}]; });
      }).then(function (res) {
        if (res[0] === 201) return [{id: res[1].id, case: caseId}, words.saved];
        var reason = res[1].reason || (res[0] === 413 ? "too_large" : "");
        return [skip, words[reason] || res[1].message || words.failed];
      }, function () { return [skip, words.failed]; });
    }
  }
});
