// Accent-blind folding, the same as the server's core.text.fold: lower case, no diacritics,
// đ→d, single spaces ("Nguyễn Văn Khoa", its NFD spelling and "NGUYEN VAN KHOA" all give
// "nguyen van khoa"). tests/core/test_fold_js.py compares the two on a list of names.
(function (root) {
  "use strict";

  var EXTRA = { "đ": "d", "Đ": "d", "ð": "d", "ı": "i", "ł": "l", "ø": "o", "ß": "ss" };
  var EXTRA_RE = /[đĐðıłøß]/g;
  // Python's casefold() where JavaScript's toLowerCase() differs, for the letters names use.
  var CASEFOLD = { "ς": "σ", "ſ": "s", "ẞ": "ss", "µ": "μ" };
  var CASEFOLD_RE = /[ςſẞµ]/g;
  var COMBINING_RE = /\p{M}/gu;

  function extra(text) { return text.replace(EXTRA_RE, function (ch) { return EXTRA[ch]; }); }

  function fold(value) {
    var text = extra(String(value || "")).normalize("NFKD").replace(COMBINING_RE, "");
    text = extra(text).toLowerCase().replace(CASEFOLD_RE, function (ch) { return CASEFOLD[ch]; });
    return text.split(/\s+/).filter(Boolean).join(" ");
  }

  root.forumhallFold = fold;
  if (typeof module !== "undefined" && module.exports) { module.exports = fold; }
})(typeof self !== "undefined" ? self : this);
