"""The large-graph view of the report: a searchable adjacency table and a drawing of one variable's neighbourhood.

Beyond :data:`LARGE_GRAPH_NODES` variables a drawing of the whole graph is a
row of unreadable dots (and its edge-frequency matrix has p² cells), so the
report shows instead:

* a table with one row per variable: its parents, children, undirected,
  bidirected and partly oriented (circle-marked) neighbours, each with the
  pair's adjacency frequency over the resamples; a text box filters the rows;
* a drawing of the neighbourhood of the selected variable (click a row, click a
  node of the drawing, or type a name): parents above, children below, the other
  neighbours beside it, and the edges among them.

This needs one small inline script (no external resource; the report stays one
file that opens offline). The drawing is made in the browser from one embedded
JSON copy of the graph (``<script type="application/json" id="graph-data">``:
node names, and per edge the two node indices, the mark codes 1 tail / 2 arrow /
3 circle at each end and the frequency), so the file grows with the number of
edges, not with a pre-rendered picture per variable. Without scripts the table
is still complete.
"""

from __future__ import annotations

import html as _html
import json
from typing import Any

from ._svg import adjacency_lookup

__all__ = ["LARGE_GRAPH_NODES", "explorer_html", "neighbour_table", "graph_data"]

#: Graphs with more variables than this are shown as the searchable table and neighbourhood drawing.
LARGE_GRAPH_NODES = 60

_ROLES = ("parents", "children", "undirected", "bidirected", "partial")
_HEAD = {"parents": "parents (→ it)", "children": "children (it →)", "undirected": "undirected (—)",
         "bidirected": "bidirected (↔)", "partial": "partly oriented (circle marks)"}
_END = {"tail": "-", "arrow": ">", "circle": "o"}
_START = {"tail": "-", "arrow": "<", "circle": "o"}


def _e(x: Any) -> str:
    return _html.escape("" if x is None else str(x))


def neighbour_table(graph: Any) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Per variable and role, the neighbours ``(name, edge symbol seen from the variable)``, in node order.

    Examples
    --------
    >>> from causalscope.graphs import PAG
    >>> t = neighbour_table(PAG(edges=["A --> B", "B o-> C", "C <-> D"]))
    >>> t["B"]["parents"], t["B"]["partial"], t["D"]["bidirected"]
    ([('A', '<--')], [('C', 'o->')], [('C', '<->')])
    """
    order = {v: i for i, v in enumerate(graph.nodes)}
    out: dict[str, dict[str, list[tuple[str, str]]]] = {v: {r: [] for r in _ROLES} for v in graph.nodes}
    for e in graph.edges:
        for me, other, m_me, m_other in ((e.u, e.v, e.mark_u.value, e.mark_v.value),
                                         (e.v, e.u, e.mark_v.value, e.mark_u.value)):
            sym = _START[m_me] + "-" + _END[m_other]
            role = {"-->": "children", "<--": "parents", "---": "undirected", "<->": "bidirected"}.get(sym, "partial")
            out[me][role].append((other, sym))
    for roles in out.values():
        for lst in roles.values():
            lst.sort(key=lambda t: order[t[0]])
    return out


def graph_data(graph: Any, confidence: Any, selected: str | None = None) -> str:
    """The graph as compact JSON for the inline script, safe inside ``<script>`` (``<``, ``>``, ``&`` escaped)."""
    nodes = list(graph.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    freq_of = adjacency_lookup(confidence)
    edges = []
    for e in graph.edges:
        f = freq_of(e.u, e.v)
        edges.append([index[e.u], index[e.v], e.mark_u.code, e.mark_v.code, -1 if f is None else round(f, 3)])
    doc = {"nodes": nodes, "edges": edges, "selected": selected if selected in index else None}
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def explorer_html(graph: Any, confidence: Any, *, selected: str | None = None) -> str:
    """The search box, the neighbourhood drawing, the adjacency table and the script that links them."""
    nodes = list(graph.nodes)
    table = neighbour_table(graph)
    freq_of = adjacency_lookup(confidence)
    if selected not in table:  # the best-connected variable (first in node order on ties)
        selected = max(nodes, key=lambda v: (sum(len(x) for x in table[v].values()), -nodes.index(v)), default=None)

    def cell(v: str, role: str) -> str:
        items = []
        for other, sym in table[v][role]:
            f = freq_of(v, other)
            label = f"{sym} {other}" if role == "partial" else other
            items.append(_e(label) + ("" if f is None else f' <span class="f">{f:.2f}</span>'))
        return ", ".join(items)

    rows = "".join(
        f'<tr data-v="{_e(v)}"><th scope="row">{_e(v)}</th><td class="num">'
        f'{sum(len(x) for x in table[v].values())}</td>' + "".join(f"<td>{cell(v, r)}</td>" for r in _ROLES) + "</tr>"
        for v in nodes
    )
    freq_note = (" The number after a neighbour is how often the pair was adjacent over the resamples."
                 if confidence is not None else "")
    return (
        f'<div id="explorer"><p>A drawing of more than {LARGE_GRAPH_NODES} variables would be unreadable, so the '
        "graph is shown as a table, one row per variable, and as a drawing of one variable's neighbourhood at a "
        "time. Type in the box to filter the rows by name; click a row, or type a "
        "full name, to draw that variable with its parents (above), children (below) and other neighbours (beside "
        f"it); click a variable in the drawing to move to it.{freq_note}</p>"
        '<noscript><p class="muted">Scripts are off: the search and the drawing need the small inline script of '
        "this page; the table below is complete without it.</p></noscript>"
        '<p><label for="graph-search">Find a variable: </label><input id="graph-search" type="search" '
        'placeholder="variable name" autocomplete="off" spellcheck="false"> '
        f'<span id="graph-count" class="muted">{len(nodes)} of {len(nodes)} variables shown</span></p>'
        '<p id="neighbourhood-caption" class="muted">Select a variable to draw its neighbourhood.</p>'
        '<div class="scroll-x"><svg id="neighbourhood" role="img" aria-label="neighbourhood of the selected variable" '
        'width="0" height="0"></svg></div>'
        '<div class="scroll"><table class="adjacency" id="adjacency-table"><thead><tr><th>variable</th>'
        "<th>neighbours</th>" + "".join(f"<th>{_e(_HEAD[r])}</th>" for r in _ROLES) + "</tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        f'<script type="application/json" id="graph-data">{graph_data(graph, confidence, selected)}</script>'
        f"<script>{_SCRIPT}</script></div>"
    )


# The neighbourhood drawing and the table filter. Plain ES5, no library; the SVG namespace is read from the
# page's own <svg> element.
_SCRIPT = r"""
(function(){"use strict";
var G=JSON.parse(document.getElementById("graph-data").textContent),N=G.nodes,idx=Object.create(null),
low=Object.create(null),nb=[],i;
for(i=0;i<N.length;i++){idx[N[i]]=i;var l=N[i].toLowerCase();low[l]=(l in low)?-1:i;nb.push([]);}
G.edges.forEach(function(e){nb[e[0]].push([e[1],e[2],e[3],e[4]]);nb[e[1]].push([e[0],e[3],e[2],e[4]]);});
var input=document.getElementById("graph-search"),count=document.getElementById("graph-count"),
svg=document.getElementById("neighbourhood"),cap=document.getElementById("neighbourhood-caption"),
body=document.querySelector("#adjacency-table tbody"),rows=Array.prototype.slice.call(body.rows),NS=svg.namespaceURI;
var END={1:"-",2:">",3:"o"},START={1:"-",2:"<",3:"o"};
function el(t,a,p){var x=document.createElementNS(NS,t);for(var k in a)x.setAttribute(k,a[k]);if(p)p.appendChild(x);
return x;}
function colour(f){var t=Math.min(Math.max((f-0.3)/0.7,0),1),a=[190,190,190],b=[31,78,154],s="#";
for(var k=0;k<3;k++){var h=Math.round(a[k]+(b[k]-a[k])*t).toString(16);s+=(h.length<2?"0":"")+h;}return s;}
function role(mi,mj){if(mi===1&&mj===2)return"child";if(mi===2&&mj===1)return"parent";return"side";}
function short(s){return s.length>18?s.slice(0,17)+"\u2026":s;}
function draw(c){
while(svg.firstChild)svg.removeChild(svg.firstChild);
var g={parent:[],child:[],side:[]},shown=Object.create(null),pos={},maxc=N[c].length;shown[c]=1;
nb[c].forEach(function(n){g[role(n[1],n[2])].push(n[0]);shown[n[0]]=1;maxc=Math.max(maxc,N[n[0]].length);});
["parent","child","side"].forEach(function(k){g[k].sort(function(a,b){return a-b;});});
var bw=Math.min(maxc,18)*7+18,bh=26,dx=bw+24,dy=78,per=Math.max(3,Math.floor(960/dx)),W=Math.min(per,
Math.max(g.parent.length,g.child.length,g.side.length+1,1))*dx+20;
function band(list,y){var n=Math.ceil(list.length/per);for(var r=0;r<n;r++){var part=list.slice(r*per,(r+1)*per),
off=(W-part.length*dx)/2;part.forEach(function(v,q){pos[v]=[off+(q+0.5)*dx,y+r*dy];});}return y+n*dy;}
var m=Math.min(g.side.length,per-1),h=Math.floor(m/2),y=30;
y=band(g.parent,y);y=band(g.side.slice(0,h).concat([c],g.side.slice(h,m)),y);y=band(g.side.slice(m),y);
y=band(g.child,y);var H=y-dy+30;
el("rect",{x:0,y:0,width:W,height:H,fill:"white"},svg);
svg.setAttribute("width",W);svg.setAttribute("height",H);svg.setAttribute("viewBox","0 0 "+W+" "+H);
var defs=el("defs",{},svg),used=Object.create(null),nm=0;
function marker(col){if(!(col in used)){used[col]="nbm"+(nm++);var mk=el("marker",{id:used[col],viewBox:"0 0 10 10",
refX:10,refY:5,markerWidth:7,markerHeight:7,orient:"auto-start-reverse"},defs);
el("path",{d:"M0,0 L10,5 L0,10 z",fill:col},mk);}return"url(#"+used[col]+")";}
G.edges.forEach(function(e){
if(!(e[0] in shown)||!(e[1] in shown))return;
var a=pos[e[0]],b=pos[e[1]],ddx=b[0]-a[0],ddy=b[1]-a[1],f=e[4]<0?1:e[4],col=colour(f),d,
ge=el("g",{"class":"nedge",opacity:(e[0]===c||e[1]===c)?1:0.45},svg),p1,p2;
el("title",{},ge).textContent=N[e[0]]+" "+START[e[2]]+"-"+END[e[3]]+" "+N[e[1]]+(e[4]<0?"":
": adjacent in "+Math.round(100*e[4])+"% of the resamples");
if(Math.abs(ddy)<1&&Math.abs(ddx)>1.5*dx){p1=[a[0],a[1]-bh/2];p2=[b[0],b[1]-bh/2];
d="M"+p1[0]+","+p1[1]+" Q"+(a[0]+b[0])/2+","+(p1[1]-22-0.08*Math.abs(ddx))+" "+p2[0]+","+p2[1];}
else{var t=Math.min(bw/2/Math.max(Math.abs(ddx),1e-9),bh/2/Math.max(Math.abs(ddy),1e-9))+0.02;
p1=[a[0]+ddx*t,a[1]+ddy*t];p2=[b[0]-ddx*t,b[1]-ddy*t];d="M"+p1[0]+","+p1[1]+" L"+p2[0]+","+p2[1];}
var at={d:d,fill:"none",stroke:col,"stroke-width":1+2.5*f};
if(e[2]===2)at["marker-start"]=marker(col);if(e[3]===2)at["marker-end"]=marker(col);
if(e[2]===2&&e[3]===2)at["stroke-dasharray"]="6,4";el("path",at,ge);
[[e[2],p1,p2],[e[3],p2,p1]].forEach(function(q){if(q[0]!==3)return;var vx=q[2][0]-q[1][0],vy=q[2][1]-q[1][1],
s=Math.sqrt(vx*vx+vy*vy)||1;el("circle",{cx:q[1][0]+5*vx/s,cy:q[1][1]+5*vy/s,r:4.5,fill:"white",stroke:col,
"stroke-width":1.5},ge);});});
Object.keys(shown).forEach(function(k){var v=+k,p=pos[v],gn=el("g",{"class":"nnode","data-v":N[v],
style:"cursor:pointer"},svg);el("title",{},gn).textContent=N[v];
el("rect",{x:p[0]-bw/2,y:p[1]-bh/2,width:bw,height:bh,rx:6,fill:v===c?"#1f4e9a":"#eef2f8",stroke:"#1f4e9a",
"stroke-width":1.5},gn);el("text",{x:p[0],y:p[1]+4,"text-anchor":"middle","font-size":12,
fill:v===c?"white":"#222"},gn).textContent=short(N[v]);gn.addEventListener("click",function(){pick(v);});});
cap.textContent="Neighbourhood of "+N[c]+": "+g.parent.length+" parent(s) above, "+g.child.length+
" child(ren) below, "+g.side.length+" other neighbour(s) beside it (undirected, bidirected or partly oriented)"+
". Edges among the neighbours are drawn lighter; click a variable to move to it.";
cap.className="";svg.setAttribute("data-centre",N[c]);
rows.forEach(function(r){r.classList.toggle("sel",r.getAttribute("data-v")===N[c]);});}
function filter(){var q=input.value.trim(),ql=q.toLowerCase(),n=0,last=-1;
rows.forEach(function(r){var v=r.getAttribute("data-v"),ok=!ql||v.toLowerCase().indexOf(ql)>=0;r.hidden=!ok;
if(ok){n++;last=idx[v];}});count.textContent=n+" of "+rows.length+" variables shown";
var hit=(q in idx)?idx[q]:((ql in low)&&low[ql]>=0)?low[ql]:(n===1?last:-1);if(hit>=0)draw(hit);}
function pick(v){input.value=N[v];filter();}
input.addEventListener("input",filter);
body.addEventListener("click",function(ev){var tr=ev.target.closest("tr");if(tr&&(tr.getAttribute("data-v") in idx))
draw(idx[tr.getAttribute("data-v")]);});
if(G.selected!==null&&(G.selected in idx))draw(idx[G.selected]);})();
"""
