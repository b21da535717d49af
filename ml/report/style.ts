/**
 * The report's one stylesheet, inlined in <head>. Colours are CSS variables: light by default,
 * dark on screens that prefer it, always light on paper (print colours forced exact so heatmap
 * shading survives). SVG charts are styled by class from here, so they follow the same theme.
 * System fonts only: the report loads nothing.
 */
export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--rule:#d0d7de;--panel:#f6f8fa;--accent:#2f6fdd;--accent2:#d9730d;--good:#1a7f37;--bad:#cf222e;--warn:#9a6700;--good-bg:#dafbe1;--bad-bg:#ffebe9;--warn-bg:#fff8c5;--cell-off:#e5534b}
@media screen and (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--rule:#30363d;--panel:#161b22;--accent:#4c8dff;--accent2:#f0883e;--good:#3fb950;--bad:#f85149;--warn:#d29922;--good-bg:#12361f;--bad-bg:#3c1618;--warn-bg:#3a2e0b;--cell-off:#f85149}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1160px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:1.6rem;margin:0 0 2px}h1 .muted{font-weight:400}
h2{font-size:1.25rem;margin:0 0 12px;padding-bottom:4px;border-bottom:1px solid var(--rule)}
h3{font-size:1rem;margin:18px 0 8px}
.section{margin:28px 0}
.muted{color:var(--muted)}.strong{font-weight:600}
.good,td.better{color:var(--good);font-weight:600}.bad,td.worse{color:var(--bad);font-weight:600}.warn{color:var(--warn)}
code{font:12.5px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);border:1px solid var(--rule);border-radius:6px;padding:10px 12px;overflow:auto;max-height:480px;white-space:pre-wrap;overflow-wrap:anywhere}
nav.toc{margin:14px 0;font-size:13px}nav.toc a{color:var(--accent);margin-right:14px;text-decoration:none}nav.toc a:hover{text-decoration:underline}
.facts{display:flex;flex-wrap:wrap;gap:6px 28px;margin:8px 0 12px}.facts div{min-width:0}.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.banner{display:flex;align-items:baseline;flex-wrap:wrap;gap:6px 18px;padding:14px 18px;border-radius:8px;border:2px solid;margin:16px 0}
.banner strong{font-size:1.5rem;letter-spacing:.06em}
.banner-ok{background:var(--good-bg);border-color:var(--good)}.banner-ok strong{color:var(--good)}
.banner-bad{background:var(--bad-bg);border-color:var(--bad)}.banner-bad strong{color:var(--bad)}
.banner-none{background:var(--panel);border-color:var(--rule)}.banner-none strong{color:var(--muted)}
.badge{display:inline-block;font-size:11px;font-weight:600;line-height:1.5;padding:0 6px;border-radius:10px;border:1px solid currentColor;margin-left:4px;vertical-align:1px;white-space:nowrap}
.b-error{color:var(--bad);background:var(--bad-bg)}.b-warning{color:var(--warn);background:var(--warn-bg)}.b-ok{color:var(--good);background:var(--good-bg)}.b-muted,.b-type{color:var(--muted)}
.table-wrap{overflow-x:auto;margin:6px 0 10px}
table{border-collapse:collapse;font-size:13px;min-width:40%}
th,td{text-align:left;padding:4px 10px;border-bottom:1px solid var(--rule);vertical-align:top}
th{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.compact td,table.compact th{padding:2px 8px}
tr.row-error td{background:var(--bad-bg)}tr.row-best td{background:var(--good-bg)}
mark{background:var(--bad);color:#fff;padding:0 4px;border-radius:3px}
.kv{display:inline-block;margin-right:8px;white-space:nowrap}.folds{font-variant-numeric:tabular-nums;color:var(--muted)}
.grid{display:grid;align-items:start;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px}
.card{border:1px solid var(--rule);border-radius:8px;padding:8px 10px;background:var(--bg);min-width:0}
.card h3{margin:0 0 2px;font-size:13.5px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.card p{margin:2px 0;font-size:12px}.quantiles span{margin-right:8px;white-space:nowrap}
.note{color:var(--muted);font-size:12.5px;margin:6px 0}
.gate-note{border-left:3px solid var(--rule);padding-left:10px}
figure{margin:8px 0 14px}figcaption{color:var(--muted);font-size:12px;margin-top:4px}
.side{display:flex;flex-wrap:wrap;gap:8px 28px;align-items:flex-start}
.chart{display:block;max-width:100%;height:auto;overflow:visible}
.chart .c-bar{fill:var(--accent)}.chart .c-best{fill:var(--good)}
.chart .c-axis,.chart .c-frame{stroke:var(--muted);fill:none;stroke-width:1}
.chart .c-grid{stroke:var(--rule);stroke-width:.6}
.chart .c-text{fill:var(--muted);font-size:10px}
.chart .c-strong{fill:var(--fg);font-weight:600}
.chart .c-legend{fill:var(--fg);font-size:12px}
.chart .c-whisker{stroke:var(--fg);stroke-width:1.3;fill:none}
.chart .c-cellbg{fill:var(--panel);stroke:var(--bg);stroke-width:2}
.chart .c-diag{fill:var(--accent);stroke:var(--bg);stroke-width:2}.chart .c-off{fill:var(--cell-off);stroke:var(--bg);stroke-width:2}
.chart .c-cell{fill:var(--fg);font-size:12px;font-weight:600}.chart .c-on-dark{fill:#fff}.chart .c-small{font-size:9.5px;font-weight:400}
.chart .c-line{stroke:var(--accent);stroke-width:2.2;fill:none}
.chart .c-line2{stroke:var(--accent2);stroke-width:2.2;stroke-dasharray:7 4;fill:none}
.chart .c-chance{stroke:var(--muted);stroke-width:1;stroke-dasharray:4 4}
.vchart text{fill:var(--muted)}.vchart .role-axis-title text,.vchart .role-legend-label text,.vchart .value_marks text{fill:var(--fg)}
.vchart .role-axis-grid line{stroke:var(--rule)}.vchart .role-axis-domain line,.vchart .role-axis-tick line{stroke:var(--muted)}
.vchart .bar_marks path{fill:var(--accent)}.vchart .best_marks path{fill:var(--good)}.vchart .whisker_marks line{stroke:var(--fg)}
.splitbar{display:flex;height:14px;max-width:520px;border-radius:4px;overflow:hidden;border:1px solid var(--rule)}.splitbar .train{background:var(--accent)}.splitbar .test{background:var(--accent2)}
.print-only{display:none}
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--rule);padding-top:8px}
@media print{
:root{color-scheme:light}
html,body{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-size:10.5pt}main{max-width:none;padding:0}
nav.toc,details.params{display:none}.print-only{display:block}
pre{max-height:none}
h2,h3{break-after:avoid}.card,figure,tr,.banner{break-inside:avoid}
.table-wrap{overflow:visible}
}
`;
