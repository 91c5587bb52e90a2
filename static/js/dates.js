/* Dates people read. The server writes each date as absolute text ("3 Nov 2026, 6:52 PM"),
   the same whatever the day, so that cached pages stay right; here, in the reader's browser
   and language, it becomes "5 minutes ago", "today 6:52 PM", "yesterday 9:10 AM", "3 Nov" or
   "3 Nov 2025". The full date stays in the title (shown on hover). */
(function () {
  "use strict";
  var script = document.currentScript;
  var zone = (script && script.dataset.timeZone) || undefined;
  // Latin digits in both languages, as the server writes every number.
  var language = (document.documentElement.lang || "ar") + "-u-nu-latn";

  function dayNumber(date) {
    // Days since the epoch in the forum's time zone: compares calendar days, not 24 hours.
    var parts = {};
    new Intl.DateTimeFormat("en-US", {timeZone: zone, year: "numeric", month: "numeric", day: "numeric"})
      .formatToParts(date).forEach(function (part) { parts[part.type] = Number(part.value); });
    return Math.round(Date.UTC(parts.year, parts.month - 1, parts.day) / 86400000);
  }

  function readable(date, now, formats) {
    var seconds = Math.round((now - date) / 1000);
    if (seconds >= -60 && seconds < 3600) {
      var minutes = Math.max(0, Math.round(seconds / 60));
      return minutes < 1 ? formats.relative.format(0, "second")
                         : formats.relative.format(-minutes, "minute");
    }
    var days = dayNumber(now) - dayNumber(date);
    if (days === 0 || days === 1) {
      return formats.relative.format(-days, "day") + " " + formats.time.format(date);
    }
    var sameYear = formats.year.format(date) === formats.year.format(now);
    return (sameYear ? formats.dayMonth : formats.dayMonthYear).format(date);
  }

  function enhance() {
    var formats;
    try {
      formats = {
        relative: new Intl.RelativeTimeFormat(language, {numeric: "auto"}),
        time: new Intl.DateTimeFormat(language, {timeZone: zone, hour: "numeric", minute: "2-digit"}),
        year: new Intl.DateTimeFormat("en-US", {timeZone: zone, year: "numeric"}),
        dayMonth: new Intl.DateTimeFormat(language, {timeZone: zone, day: "numeric", month: "short"}),
        dayMonthYear: new Intl.DateTimeFormat(language, {timeZone: zone, day: "numeric", month: "short", year: "numeric"}),
      };
    } catch (error) {
      return; // an old browser keeps the server's absolute dates
    }
    var now = new Date();
    document.querySelectorAll("time[data-when]").forEach(function (element) {
      var date = new Date(element.getAttribute("datetime"));
      if (!isNaN(date)) {
        element.textContent = readable(date, now, formats);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
