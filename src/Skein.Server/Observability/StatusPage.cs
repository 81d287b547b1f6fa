// The status page's HTML: one static document whose script asks the same path for JSON once a second
// and updates the figures in place (no reload), like Apache's mod_status with ?refresh but without
// reloading the page. The figures themselves come only from the JSON (StatusReport); this file has no data.

namespace Skein.Server.Observability;

/// <summary>The HTML of the live status page.</summary>
internal static class StatusPage
{
    /// <summary>The page, UTF-8.</summary>
    public static ReadOnlyMemory<byte> Html { get; } = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Skein status</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
        h1 { font-size: 1.3em; margin: 0 0 .3em; }
        table { border-collapse: collapse; margin: .6em 0 1.2em; }
        th, td { padding: .2em .8em; border-bottom: 1px solid #ddd; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        .figures td:first-child { color: #555; }
        .board { font-family: ui-monospace, monospace; text-align: left; letter-spacing: .1em; }
        #state { color: #777; font-size: .9em; }
        </style>
        </head>
        <body>
        <h1>Skein status: <span id="model">…</span></h1>
        <p id="state">Loading…</p>
        <noscript><p>This page updates itself with JavaScript; without it, read the same figures as JSON at <a href="?json">?json</a>.</p></noscript>
        <table class="figures">
        <tr><td>server pid</td><td id="pid">–</td></tr>
        <tr><td>uptime</td><td id="uptime">–</td></tr>
        <tr><td>requests</td><td id="requests">–</td></tr>
        <tr><td>requests/s (last second)</td><td id="rps">–</td></tr>
        <tr><td>latency p50</td><td id="p50">–</td></tr>
        <tr><td>latency p99</td><td id="p99">–</td></tr>
        <tr><td>bytes sent</td><td id="bytes">–</td></tr>
        <tr><td>connections accepted</td><td id="accepted">–</td></tr>
        <tr><td>connections open: new / active / idle</td><td id="connections">–</td></tr>
        <tr><td>errors (status ≥ 400)</td><td id="errors">–</td></tr>
        </table>
        <h2>Responses by status</h2>
        <table><thead><tr><th>status</th><th>responses</th></tr></thead><tbody id="statuses"></tbody></table>
        <h2>Workers</h2>
        <table><thead><tr><th>pid</th><th>uptime</th><th>requests</th><th>requests/s</th><th>open</th><th>scoreboard</th></tr></thead><tbody id="workers"></tbody></table>
        <p>Scoreboard: one character per open connection, as Apache's mod_status draws its workers.
        <code>R</code> reading its first request, <code>W</code> working on a request, <code>K</code> keep-alive
        (idle), <code>_</code> a worker with no connection.</p>
        <script>
        "use strict";
        const $ = id => document.getElementById(id);
        const n = x => x.toLocaleString("en");
        function uptime(s) {
          const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
          return (d ? d + "d " : "") + (d || h ? h + "h " : "") + (d || h || m ? m + "m " : "") + Math.floor(s % 60) + "s";
        }
        function bytes(b) {
          const units = ["B", "KiB", "MiB", "GiB", "TiB"];
          let i = 0;
          while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
          return (i ? b.toFixed(1) : b) + " " + units[i];
        }
        function rows(body, list) {
          body.replaceChildren(...list.map(cells => {
            const tr = document.createElement("tr");
            cells.forEach((text, i) => {
              const td = document.createElement("td");
              td.textContent = text;
              if (i === cells.length - 1 && body.id === "workers") td.className = "board";
              tr.append(td);
            });
            return tr;
          }));
        }
        function show(s) {
          $("model").textContent = s.model;
          $("pid").textContent = s.pid;
          $("uptime").textContent = uptime(s.uptimeSeconds);
          $("requests").textContent = n(s.requests);
          $("rps").textContent = n(s.requestsPerSecond);
          $("p50").textContent = s.latencyMs.p50 + " ms";
          $("p99").textContent = s.latencyMs.p99 + " ms";
          $("bytes").textContent = bytes(s.bytesSent);
          $("accepted").textContent = n(s.connectionsAccepted);
          const c = s.connections;
          $("connections").textContent = c.new + " / " + c.active + " / " + c.idle;
          $("errors").textContent = n(Object.values(s.errors).reduce((a, b) => a + b, 0));
          rows($("statuses"), Object.entries(s.statuses).map(([code, count]) => [code, n(count)]));
          rows($("workers"), s.workers.map(w => [w.pid, uptime(w.uptimeSeconds), n(w.requests), n(w.requestsPerSecond),
            w.connections.new + w.connections.active + w.connections.idle, w.scoreboard]));
        }
        async function refresh() {
          try {
            const response = await fetch(location.pathname + "?json", { cache: "no-store" });
            show(await response.json());
            $("state").textContent = "Updated " + new Date().toLocaleTimeString("en-GB") + ", every second.";
          } catch (e) {
            $("state").textContent = "Not updated: " + e.message;
          }
          setTimeout(refresh, 1000);
        }
        refresh();
        </script>
        </body>
        </html>
        """u8.ToArray();
}
