// The sandbox's Email Connections page looks like a CRM settings page: a top bar, cards, one table, quiet buttons.
export const sandboxStyle = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#f4f5f7}
a{color:#2563eb}
header.topbar{display:flex;align-items:center;gap:.75rem;padding:.7rem 1.5rem;background:#fff;border-bottom:1px solid #e5e7eb}
.brand{font-weight:700;font-size:15px}.crumbs{color:#6b7280}.badge{margin-left:auto;font-size:12px;padding:.15rem .55rem;border-radius:999px;background:#fef3c7;color:#92400e;border:1px solid #fde68a}
main{max-width:1040px;margin:1.5rem auto;padding:0 1.5rem}
h1{font-size:22px;margin:0 0 .25rem}.lead{color:#6b7280;margin:0 0 1.25rem}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:1.1rem 1.25rem;margin-bottom:1.25rem;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.card h2{font-size:16px;margin:0 0 .8rem}.card-head{display:flex;align-items:center;justify-content:space-between;gap:1rem;margin-bottom:.8rem}.card-head h2{margin:0}
.grid{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.9rem 1rem;align-items:start}
.field label{display:block;font-weight:600;font-size:13px;margin-bottom:.3rem}
.field small{display:block;color:#6b7280;font-size:12px;margin-top:.25rem}
select,input[type=text]{width:100%;height:36px;padding:0 .55rem;border:1px solid #d1d5db;border-radius:6px;font:inherit;background:#fff}
select:focus,input:focus,button:focus-visible,summary:focus-visible{outline:2px solid #93c5fd;outline-offset:1px}
.actions-bar{margin-top:1rem;display:flex;gap:.75rem;align-items:center}
button,.btn{font:inherit;font-size:13px;padding:.4rem .8rem;border-radius:6px;border:1px solid #d1d5db;background:#fff;color:#1f2937;cursor:pointer;white-space:nowrap}
button:hover{background:#f9fafb}button:disabled{opacity:.5;cursor:not-allowed}
button.primary{background:#2563eb;border-color:#2563eb;color:#fff}button.primary:hover{background:#1d4ed8}
button.danger{color:#b91c1c}
.hint{color:#6b7280;font-size:12px}
table{border-collapse:collapse;width:100%}
th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:#6b7280;font-weight:600;text-align:left;padding:.5rem .6rem;border-bottom:1px solid #e5e7eb}
td{padding:.7rem .6rem;border-bottom:1px solid #f0f1f3;vertical-align:top}
tr:last-child td{border-bottom:0}
.mailbox{font-weight:600}.sub{color:#6b7280;font-size:12px}
.pill{display:inline-block;font-size:12px;font-weight:600;padding:.1rem .55rem;border-radius:999px;border:1px solid}
.status-active{background:#ecfdf3;color:#067647;border-color:#abefc6}
.status-needs_reconnect{background:#fffaeb;color:#b54708;border-color:#fedf89}
.status-disconnected{background:#f2f4f7;color:#475467;border-color:#d0d5dd}
.remediation{font-size:12px;color:#7a4a0b;margin-top:.35rem;max-width:340px;white-space:normal}
td.row-actions{text-align:right;white-space:nowrap;width:1%}.row-actions>*{margin-left:.35rem}.status-cell{white-space:nowrap}
details.row-menu{display:inline-block;position:relative}
details.row-menu summary{list-style:none;display:inline-block;padding:.35rem .6rem;border:1px solid #d1d5db;border-radius:6px;cursor:pointer;background:#fff;font-weight:700;line-height:1}
details.row-menu summary::-webkit-details-marker{display:none}
.menu-items{position:absolute;right:0;top:110%;z-index:5;min-width:170px;background:#fff;border:1px solid #e5e7eb;border-radius:8px;box-shadow:0 8px 24px rgba(0,0,0,.12);padding:.3rem;text-align:left}
.menu-items button{display:block;width:100%;text-align:left;border:0;border-radius:5px;padding:.45rem .6rem}
tr.scope-form td{background:#f8fafc}
.scope-form-inner{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap}.scope-form-inner select{width:auto;min-width:160px}.scope-form .hint{flex-basis:100%}
.empty{text-align:center;color:#6b7280;padding:1.6rem .5rem}.empty strong{display:block;color:#1f2937;margin-bottom:.2rem}
#notice{display:none;padding:.7rem .9rem;border-radius:8px;margin-bottom:1rem;border:1px solid}
#notice.ok{display:block;background:#ecfdf3;border-color:#abefc6;color:#05603a}
#notice.err{display:block;background:#fef3f2;border-color:#fecdca;color:#912018}
ul.messages{list-style:none;margin:.6rem 0 0;padding:0}
ul.messages li{display:grid;grid-template-columns:190px minmax(0,1fr) 150px;gap:.75rem;padding:.55rem 0;border-bottom:1px solid #f0f1f3}
ul.messages li:last-child{border-bottom:0}.msg-from{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.msg-subject{font-weight:600}.msg-preview{color:#6b7280;font-size:12px}.msg-time{color:#6b7280;font-size:12px;text-align:right}
.live{font-size:12px;color:#6b7280}.live::before{content:"";display:inline-block;width:7px;height:7px;border-radius:50%;background:#22c55e;margin-right:.4rem;vertical-align:middle}
`;
