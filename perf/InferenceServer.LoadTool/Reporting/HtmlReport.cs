using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>
/// The report as one self-contained HTML page (<c>--html-file</c>): no external script, style sheet, font or image,
/// so it can be attached to a CI run or mailed. The run's JSON report (the same document <c>--json-file</c> writes
/// in scenario mode) and the run's configuration are embedded as JSON; an inline script draws SVG charts from them —
/// throughput and p50/p90/p99 per window over time, each step's latency distribution, errors by status, the server's
/// stage breakdown next to the client's latency, and the thresholds. Every drawn point carries its number in a
/// <c>data-value</c> attribute, and the body gets <c>data-rendered="true"</c> once everything is drawn, so a headless
/// browser can check the page against the report.
/// </summary>
internal static class HtmlReport
{
    public static string Render(IReadOnlyList<LoadReport> reports, RunConfiguration configuration)
    {
        // The serializer's default encoder writes '<', '>' and '&' as \u escapes, so the JSON cannot close its script element.
        var data = JsonSerializer.Serialize(new ScenarioRunReport(reports), ReportJsonContext.Default.ScenarioRunReport);
        var config = JsonSerializer.Serialize(configuration, HtmlJsonContext.Default.RunConfiguration);
        var html = new StringBuilder(Template.Length + data.Length + config.Length);
        html.Append(Template.AsSpan(0, Template.IndexOf("@DATA@", StringComparison.Ordinal)));
        html.Append(data);
        var afterData = Template.IndexOf("@DATA@", StringComparison.Ordinal) + "@DATA@".Length;
        var configAt = Template.IndexOf("@CONFIG@", StringComparison.Ordinal);
        html.Append(Template.AsSpan(afterData, configAt - afterData));
        html.Append(config);
        html.Append(Template.AsSpan(configAt + "@CONFIG@".Length));
        return html.ToString();
    }

    /// <summary>The JSON embedded in a rendered page (tests read it back to check it is the report itself).</summary>
    public static string EmbeddedData(string html)
    {
        const string Open = "<script type=\"application/json\" id=\"report-data\">";
        var start = html.IndexOf(Open, StringComparison.Ordinal) + Open.Length;
        return html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)];
    }

    private const string Template = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>inference-load report</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
        h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 8px 0; } td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }
        td:first-child, th:first-child { text-align: left; }
        .pass { color: #1a7f37; font-weight: 600; } .fail { color: #c62828; font-weight: 600; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; } .chart { border: 1px solid #eee; }
        .legend { font-size: 12px; } pre { background: #f6f8fa; padding: 8px; overflow: auto; font-size: 12px; }
        </style>
        </head>
        <body>
        <h1>inference-load report</h1>
        <div id="verdict"></div>
        <h2>Steps</h2><div id="summary"></div>
        <h2>Thresholds</h2><div id="thresholds"></div>
        <h2>Throughput over time</h2><div id="throughput" class="charts"></div>
        <h2>Latency over time (p50, p90, p99)</h2><div id="latency" class="charts"></div>
        <h2>Latency distribution</h2><div id="histograms" class="charts"></div>
        <h2>Server stages next to the client's latency</h2><div id="breakdown"></div>
        <h2>Errors by status</h2><div id="errors"></div>
        <h2>Configuration</h2><div id="configuration"></div>
        <script type="application/json" id="report-data">@DATA@</script>
        <script type="application/json" id="report-config">@CONFIG@</script>
        <script>
        (function () {
          const run = JSON.parse(document.getElementById('report-data').textContent);
          const config = JSON.parse(document.getElementById('report-config').textContent);
          const NS = 'http://www.w3.org/2000/svg';
          const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
          const stageColors = { queue: '#ff7f0e', compute_input: '#9467bd', compute_infer: '#1f77b4', compute_output: '#17becf', overhead: '#bbbbbb', client: '#2ca02c' };
          function node(tag, attrs, parent, text) {
            const e = tag.startsWith('svg:') ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
            for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
            if (text !== undefined) e.textContent = text;
            if (parent) parent.appendChild(e);
            return e;
          }
          function fmt(v) { return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2); }
          function stepName(s, step, i) {
            const load = step.ramp_to_rate != null ? 'ramp ' + step.request_rate + '->' + step.ramp_to_rate + '/s'
              : step.request_rate != null ? 'rate ' + step.request_rate + '/s' : 'concurrency ' + step.concurrency;
            return (s.scenario ? s.scenario + ' / ' : '') + (step.name ? step.name + ' (' + load + ')' : load);
          }
          function table(parent, headers, rows, cls) {
            const t = node('table', {}, parent);
            const h = node('tr', {}, t);
            headers.forEach(x => node('th', {}, h, x));
            rows.forEach(r => {
              const tr = node('tr', cls ? { class: cls } : {}, t);
              r.forEach(c => {
                if (c && typeof c === 'object') node('td', c.attrs || {}, tr, c.text); else node('td', {}, tr, c);
              });
            });
            return t;
          }
          // A line chart: series of [x, y] points, x in seconds since the run began.
          function lineChart(parent, chartName, yLabel, series) {
            const W = 1000, H = 270, L = 60, R = 150, T = 22, B = 35;
            const all = series.flatMap(s => s.points);
            const xMax = Math.max(1e-9, ...all.map(p => p[0]));
            const yMax = Math.max(1e-9, ...all.map(p => p[1])) * 1.1;
            const svg = node('svg:svg', { class: 'chart', width: W, height: H, 'data-chart': chartName }, parent);
            const x = v => L + (v / xMax) * (W - L - R), y = v => H - B - (v / yMax) * (H - T - B);
            node('svg:line', { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#888' }, svg);
            node('svg:line', { x1: L, y1: T, x2: L, y2: H - B, stroke: '#888' }, svg);
            for (let i = 0; i <= 4; i++) {
              const v = yMax * i / 4;
              node('svg:text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11 }, svg, fmt(v));
              const t = xMax * i / 4;
              node('svg:text', { x: x(t), y: H - B + 15, 'text-anchor': 'middle', 'font-size': 11 }, svg, fmt(t) + 's');
            }
            node('svg:text', { x: 12, y: 12, 'font-size': 11 }, svg, yLabel);
            series.forEach((s, i) => {
              const color = s.color || palette[i % palette.length];
              node('svg:polyline', { points: s.points.map(p => x(p[0]) + ',' + y(p[1])).join(' '), fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-dasharray': s.dash || '' }, svg);
              s.points.forEach(p => node('svg:circle', { class: 'point', cx: x(p[0]), cy: y(p[1]), r: 3, fill: color, 'data-series': s.name, 'data-value': p[1] }, svg));
              node('svg:line', { x1: W - R + 6, y1: T + i * 16 + 5, x2: W - R + 22, y2: T + i * 16 + 5, stroke: color, 'stroke-width': 2, 'stroke-dasharray': s.dash || '' }, svg);
              node('svg:text', { x: W - R + 27, y: T + i * 16 + 9, 'font-size': 11 }, svg, s.name);
            });
          }
          function timeline(s, value) {
            return s.steps.flatMap(step => step.timeline.map(w => [w.start_seconds + w.duration_seconds / 2, value(w)]));
          }

          const scenarios = run.scenarios;
          const failed = scenarios.flatMap(s => s.thresholds.concat(s.steps.flatMap(st => st.thresholds))).filter(t => !t.passed);
          const any = scenarios.some(s => s.thresholds.length || s.steps.some(st => st.thresholds.length));
          node('p', { class: run.passed ? 'pass' : 'fail' }, document.getElementById('verdict'),
            !any ? 'No thresholds.' : run.passed ? 'All thresholds passed.' : failed.length + ' threshold(s) failed.');

          const rows = [];
          scenarios.forEach(s => s.steps.forEach((st, i) => rows.push([
            stepName(s, st, i), st.model || s.model, st.protocol || s.protocol,
            { text: fmt(st.requests_per_second), attrs: { 'data-field': 'requests_per_second', 'data-value': st.requests_per_second } },
            { text: fmt(st.latency.p50_us), attrs: { 'data-field': 'p50_us', 'data-value': st.latency.p50_us } },
            { text: fmt(st.latency.p90_us), attrs: { 'data-field': 'p90_us', 'data-value': st.latency.p90_us } },
            { text: fmt(st.latency.p99_us), attrs: { 'data-field': 'p99_us', 'data-value': st.latency.p99_us } },
            String(st.step_successes), String(Object.values(st.step_errors).reduce((a, b) => a + b, 0))])));
          table(document.getElementById('summary'), ['step', 'model', 'protocol', 'req/s', 'p50 us', 'p90 us', 'p99 us', 'successes', 'errors'], rows, 'step-row');

          const thresholdRows = [];
          scenarios.forEach(s => {
            s.thresholds.forEach(t => thresholdRows.push([s.scenario || s.model, t.threshold, { text: fmt(t.measured) + ' ' + t.unit, attrs: { 'data-value': t.measured } }, fmt(t.limit) + ' ' + t.unit, { text: t.passed ? 'pass' : 'FAIL', attrs: { class: t.passed ? 'pass' : 'fail' } }]));
            s.steps.forEach((st, i) => st.thresholds.forEach(t => thresholdRows.push([stepName(s, st, i), t.threshold, { text: fmt(t.measured) + ' ' + t.unit, attrs: { 'data-value': t.measured } }, fmt(t.limit) + ' ' + t.unit, { text: t.passed ? 'pass' : 'FAIL', attrs: { class: t.passed ? 'pass' : 'fail' } }])));
          });
          table(document.getElementById('thresholds'), ['where', 'threshold', 'measured', 'limit', 'result'], thresholdRows, 'threshold-row');

          const label = s => s.scenario || s.model;
          lineChart(document.getElementById('throughput'), 'throughput', 'requests/s', scenarios.map(s => ({ name: label(s), points: timeline(s, w => w.requests_per_second) })));
          const latencySeries = [];
          scenarios.forEach((s, i) => [['p50', 'p50_us', '2,3'], ['p90', 'p90_us', '6,3'], ['p99', 'p99_us', '']].forEach(([p, f, dash]) =>
            latencySeries.push({ name: label(s) + ' ' + p, color: palette[i % palette.length], dash: dash, points: timeline(s, w => w[f]) })));
          lineChart(document.getElementById('latency'), 'latency', 'microseconds', latencySeries);

          scenarios.forEach(s => s.steps.forEach((st, i) => {
            const box = node('div', {}, document.getElementById('histograms'));
            node('div', { class: 'legend' }, box, stepName(s, st, i) + ' (us, log-spaced bins)');
            const W = 340, H = 160, B = 30, bins = st.histogram;
            const svg = node('svg:svg', { class: 'chart', width: W, height: H, 'data-chart': 'histogram', 'data-step': stepName(s, st, i) }, box);
            const max = Math.max(1, ...bins.map(b => b.count)), bw = (W - 20) / Math.max(1, bins.length);
            bins.forEach((b, k) => {
              const h = (b.count / max) * (H - B - 10);
              node('svg:rect', { class: 'bar', x: 10 + k * bw, y: H - B - h, width: Math.max(1, bw - 1), height: h, fill: '#1f77b4', 'data-value': b.count, 'data-low-us': b.low_us }, svg);
            });
            if (bins.length) {
              node('svg:text', { x: 10, y: H - 12, 'font-size': 10 }, svg, fmt(bins[0].low_us));
              node('svg:text', { x: W - 10, y: H - 12, 'font-size': 10, 'text-anchor': 'end' }, svg, fmt(bins[bins.length - 1].high_us));
            }
          }));

          const bd = document.getElementById('breakdown');
          node('div', { class: 'legend' }, bd, 'upper bar: the server per successful request (queue, compute input, infer, output, the rest); lower bar: the client\'s average latency; microseconds');
          const maxUs = Math.max(1e-9, ...scenarios.flatMap(s => s.steps.map(st => Math.max(st.latency.avg_us, st.server.request_us))));
          scenarios.forEach(s => s.steps.forEach((st, i) => {
            node('div', { class: 'legend' }, bd, stepName(s, st, i));
            const W = 1000, svg = node('svg:svg', { class: 'chart', width: W, height: 44, 'data-chart': 'breakdown', 'data-step': stepName(s, st, i) }, bd);
            const scale = v => (v / maxUs) * (W - 200);
            let at = 0;
            [['queue', st.server.queue_us], ['compute_input', st.server.compute_input_us], ['compute_infer', st.server.compute_infer_us], ['compute_output', st.server.compute_output_us], ['overhead', st.server.overhead_us]].forEach(([name, v]) => {
              node('svg:rect', { class: 'stage', x: at, y: 2, width: scale(v), height: 18, fill: stageColors[name], 'data-stage': name, 'data-value': v }, svg);
              at += scale(v);
            });
            node('svg:text', { x: at + 6, y: 15, 'font-size': 11 }, svg, 'server ' + fmt(st.server.request_us) + ' us (queue ' + fmt(st.server.queue_us) + ', infer ' + fmt(st.server.compute_infer_us) + ')');
            node('svg:rect', { class: 'stage', x: 0, y: 24, width: scale(st.latency.avg_us), height: 18, fill: stageColors.client, 'data-stage': 'client', 'data-value': st.latency.avg_us }, svg);
            node('svg:text', { x: scale(st.latency.avg_us) + 6, y: 37, 'font-size': 11 }, svg, 'client ' + fmt(st.latency.avg_us) + ' us');
          }));

          const errorRows = [];
          scenarios.forEach(s => s.steps.forEach((st, i) => Object.entries(st.step_errors).forEach(([status, n]) =>
            errorRows.push([stepName(s, st, i), status, { text: String(n), attrs: { 'data-value': n } }]))));
          if (errorRows.length) table(document.getElementById('errors'), ['step', 'status', 'requests'], errorRows, 'error-row');
          else node('p', {}, document.getElementById('errors'), 'No errors.');

          const cfg = document.getElementById('configuration');
          node('pre', { id: 'command-line' }, cfg, 'inference-load ' + config.arguments.join(' '));
          if (config.scenario_file) node('pre', { id: 'scenario-file' }, cfg, config.scenario_file);
          document.body.setAttribute('data-rendered', 'true');
        })();
        </script>
        </body>
        </html>
        """;
}

/// <summary>What the run was asked to do, echoed in the HTML report: the command line and the scenario file's text.</summary>
internal sealed record RunConfiguration(IReadOnlyList<string> Arguments, string? ScenarioFile);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RunConfiguration))]
internal sealed partial class HtmlJsonContext : JsonSerializerContext;
