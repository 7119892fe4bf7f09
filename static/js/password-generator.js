// A strong random password for a mailbox: crypto.getRandomValues, no modulo bias, shown once
// in the page (the server never sends it back) with a Copy button. Without JavaScript the
// block stays hidden and the postmaster types the password. Its sentences come translated
// in the block's data-*-text attributes (the page's own catalogue: no script catalogue).
(function () {
  "use strict";
  // No 0/O, 1/l/I: the password is read aloud and typed on phones.
  var ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!";
  var LENGTH = 20; // log2(61) * 20 ≈ 118 bits

  function randomPassword() {
    var limit = 256 - (256 % ALPHABET.length);
    var out = "";
    var bytes = new Uint8Array(64);
    while (out.length < LENGTH) {
      window.crypto.getRandomValues(bytes);
      for (var i = 0; i < bytes.length && out.length < LENGTH; i++) {
        if (bytes[i] < limit) {
          out += ALPHABET[bytes[i] % ALPHABET.length];
        }
      }
    }
    return out;
  }

  function setUp(box) {
    var form = box.closest("form");
    var first = form.querySelector("input[name=password1]");
    var second = form.querySelector("input[name=password2]");
    var shown = box.querySelector("[data-generated]");
    var copy = box.querySelector("[data-copy]");
    var status = box.querySelector("[data-status]");
    if (!first || !second || !window.crypto || !window.crypto.getRandomValues) {
      return;
    }
    box.hidden = false;
    box.querySelector("[data-generate]").addEventListener("click", function () {
      var password = randomPassword();
      first.value = password;
      second.value = password;
      shown.value = password;
      shown.closest("[data-result]").hidden = false;
      status.textContent = box.dataset.generatedText;
      shown.select();
    });
    copy.addEventListener("click", function () {
      var done = function () {
        status.textContent = box.dataset.copiedText;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(shown.value).then(done, function () {
          shown.select();
          status.textContent = box.dataset.copyByHandText;
        });
      } else {
        shown.select();
        document.execCommand("copy");
        done();
      }
    });
    // the password leaves the page with the form, never to be shown again
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        shown.value = "";
        shown.closest("[data-result]").hidden = true;
      }
    });
  }

  document.querySelectorAll("[data-password-generator]").forEach(setUp);
})();
