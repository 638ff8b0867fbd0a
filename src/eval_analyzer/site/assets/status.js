// Eval Analyzer: say what the static page is doing while Pyodide loads, and say so visibly when it fails.
// Panel's own page keeps its spinner forever on any failure. Text only (textContent), never HTML.
(function () {
  'use strict'
  var zh = /[?&]lang=zh(-|_)?tw(&|$)/i.test(window.location.search)
  var TEXT = zh ? {
    runtime: '正在載入 Python 執行環境…', packages: '正在安裝套件…', files: '正在載入應用程式檔案…',
    starting: '正在啟動應用程式…', failed: '無法啟動應用程式：', hint: '請重新載入頁面；若仍失敗，請查看瀏覽器主控台。',
    install: '安裝套件失敗', worker: 'Python 背景執行緒失敗', load: '無法載入 '
  } : {
    runtime: 'Loading Python runtime…', packages: 'Installing packages…', files: 'Loading app files…',
    starting: 'Starting app…', failed: 'Could not start the app: ', hint: 'Reload the page; if it fails again, see the browser console.',
    install: 'installing packages failed', worker: 'the Python worker failed', load: 'could not load '
  }
  // The worker's status messages (panel/_templates/pyodide_worker.js) and what we show for them.
  var STEPS = {'Loading pyodide': TEXT.runtime, 'Installing environment': TEXT.packages, 'Executing code': TEXT.starting}
  var box = null

  function live () {
    return !!document.body && !document.body.classList.contains('pn-loading')
  }
  function place () {
    if (!box) {
      box = document.createElement('div')
      box.id = 'ea-status'
      box.setAttribute('role', 'status')
      box.setAttribute('aria-live', 'polite')
    }
    if (!box.isConnected) {
      if (document.body) { document.body.appendChild(box) } else {
        document.addEventListener('DOMContentLoaded', function () { document.body.appendChild(box) })
      }
    }
    return box
  }
  function show (text) {
    if (window.eaLoadFailed || live()) { return }
    place().textContent = text
  }
  function lastLine (text) {
    var lines = String(text).split('\n').filter(function (l) { return l.trim() })
    return lines.length ? lines[lines.length - 1].trim() : String(text)
  }
  function fail (what, detail) {
    if (window.eaLoadFailed) { return }
    window.eaLoadFailed = what + (detail ? ': ' + lastLine(detail) : '')
    if (detail) { console.error('Eval Analyzer: ' + what, detail) }
    var el = place()
    el.classList.add('ea-failed')
    el.setAttribute('role', 'alert')
    el.textContent = TEXT.failed + window.eaLoadFailed + '\n' + TEXT.hint
  }
  window.eaStatus = {show: show, fail: fail}

  // A script or stylesheet that failed to load: resource errors do not bubble, so listen in the capture phase.
  window.addEventListener('error', function (event) {
    var target = event.target
    if (target && (target.tagName === 'SCRIPT' || target.tagName === 'LINK')) {
      fail(TEXT.load + (target.src || target.href))
    } else if (event.message && !live()) {
      fail(event.message)
    }
  }, true)
  window.addEventListener('unhandledrejection', function (event) {
    if (!live()) { fail(String(event.reason && event.reason.message ? event.reason.message : event.reason)) }
  })

  window.eaWatchWorker = function (worker) {
    show(TEXT.runtime)
    worker.addEventListener('message', function (event) {
      var msg = event.data || {}
      if (msg.type === 'status') {
        if (msg.msg === 'Error while installing packages') {
          fail(TEXT.install, msg.detail)
        } else if (STEPS[msg.msg]) {
          show(STEPS[msg.msg])
        } else if (/^Unpacking /.test(msg.msg)) {
          show(TEXT.files)
        } else {
          show(String(msg.msg))
        }
      } else if (msg.type === 'ea-error') {
        if (live()) { console.error('Eval Analyzer worker: ' + msg.msg) } else { fail(TEXT.worker, msg.msg) }
      } else if (msg.type === 'render') {
        show(TEXT.starting)
      } else if (msg.type === 'ea-statistics') {
        // scipy, loaded after the first render (dashboard/lazy_stats.py): ready, or why not (console only).
        window.eaStatistics = {ready: !!msg.ready, seconds: msg.seconds, error: msg.error || null}
        if (!msg.ready) { console.error('Eval Analyzer: statistics could not be loaded: ' + msg.error) }
      }
    })
    worker.addEventListener('error', function (event) {
      fail(TEXT.worker, event.message || (TEXT.load + 'the worker script'))
    })
    // Once Panel has rendered the live app, the status line goes away (an
    // earlier error was then not fatal).
    new MutationObserver(function () {
      if (live() && box) { box.remove() }
    }).observe(document.body, {attributes: true, attributeFilter: ['class']})
  }
})()
