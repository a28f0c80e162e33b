/* global window, document, URL, URLSearchParams */
// The report's only script. (1) When the page was opened with the function key in the URL (?code=…), the links to
// the app's own pages and downloads carry it on, so sorting and downloads keep working; the key is never in the
// HTML the app serves. (2) While the experiment runs (body data-refresh-seconds), the page reloads itself; its
// "Stop reloading" link turns that off. Without JavaScript a <noscript> meta refresh reloads it, and links work
// when the key is sent as the x-functions-key header.
(function () {
  'use strict';
  var code = new URLSearchParams(window.location.search).get('code');
  document.addEventListener('DOMContentLoaded', function () {
    if (code) {
      var links = document.querySelectorAll('a[data-keep-key]');
      for (var i = 0; i < links.length; i++) {
        var url = new URL(links[i].getAttribute('href'), window.location.href);
        if (url.origin !== window.location.origin) continue;
        url.searchParams.set('code', code);
        links[i].setAttribute('href', url.pathname + url.search);
      }
    }
    var seconds = Number(document.body.getAttribute('data-refresh-seconds'));
    if (seconds > 0) {
      window.setTimeout(function () {
        window.location.reload();
      }, seconds * 1000);
    }
  });
})();
