'use strict';
// The status page: reads api/status and api/fleet (relative URLs, same origin) every 10 s and
// draws them. Text from the data only ever goes through textContent, never HTML.
(function () {
  const REFRESH_MS = 10000;
  const SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) node.setAttribute(k, v);
    }
    for (const c of [].concat(children === undefined ? [] : children)) {
      node.append(c instanceof Node ? c : document.createTextNode(c === null ? '' : String(c)));
    }
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function badge(status) {
    return el('span', { class: 'badge ' + status }, status);
  }

  function age(seconds) {
    if (seconds === null || seconds === undefined) return 'never';
    if (seconds < 90) return seconds + ' s ago';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
    if (seconds < 172800) return Math.round(seconds / 3600) + ' h ago';
    return Math.round(seconds / 86400) + ' d ago';
  }

  function fill(tableId, rows) {
    const body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren(...rows);
    if (rows.length === 0) {
      const cols = document.querySelectorAll('#' + tableId + ' thead th').length;
      body.append(el('tr', {}, el('td', { colspan: cols, class: 'muted' }, 'none')));
    }
  }

  function list(id, entries) {
    const dl = document.getElementById(id);
    dl.replaceChildren(...entries.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  }

  function num(n) {
    return el('td', { class: 'num' }, n === undefined || n === null ? '0' : Number(n).toLocaleString('en'));
  }

  function drawStatus(s) {
    const ingest = s.ingest;
    const overall = document.getElementById('overall');
    overall.className = 'badge ' + ingest.status;
    overall.textContent = ingest.status + (ingest.inGrace ? ' (grace)' : '');
    document.getElementById('meta').textContent = 'instance ' + s.instance + ' · version ' + s.version
      + ' · checked ' + new Date(s.checkedAt).toLocaleTimeString();
    document.getElementById('window').textContent = 'rows in the last ' + ingest.window;
    fill('streams', ingest.streams.map(st => el('tr', { 'data-stream': st.stream, 'data-status': st.status }, [
      el('td', {}, st.stream), el('td', {}, st.account || '—'), el('td', {}, badge(st.status)),
      el('td', { title: st.lastSuccessAt || '' }, age(st.ageSeconds)), num(st.rowsInWindow), num(st.runsInWindow)])));
    list('spool', [
      ['spool', (s.spool.requests || 0) + ' requests, ' + (s.spool.bytes || 0) + ' bytes'],
      ['dead letters', s.deadLetters.available ? String(s.deadLetters.count) : 'not recorded by this version']]);
    fill('webhook', Object.entries(s.webhook).map(([path, o]) => el('tr', {}, [
      el('td', {}, '/' + path), num(o.accepted), num(o.quarantined), num(o.rejected)])));
    list('alarms', [
      ['seen by push and poll', String(s.alarms.pushAndPoll)],
      ['push only', String(s.alarms.pushOnly)],
      ['poll only', String(s.alarms.pollOnly)]]);
    fill('vendor', s.vendor.map(v => el('tr', {}, [
      el('td', {}, v.account), num(v.ok), num(v.failed), num(v.inflight), el('td', {}, badge(v.breaker))])));
    const g = s.geocoder;
    list('geocoder', [
      ['state', g.paused ? 'paused' : 'running'],
      ['queue', String(g.queue)],
      ['rate', g.ratePerSecond + ' / s'],
      ['requests', Object.entries(g.requests).map(([k, v]) => k + ' ' + v).join(', ') || 'none'],
      ['cache', Object.entries(g.cache).map(([k, v]) => k + ' ' + v).join(', ') || 'none']]);
    fill('quarantine', s.quarantine.map(q => el('tr', {}, [
      el('td', {}, q.stream), el('td', {}, q.reason), num(q.items),
      el('td', { title: q.lastAt }, new Date(q.lastAt).toLocaleTimeString())])));
  }

  function drawFleet(f) {
    const located = f.vehicles.filter(v => typeof v.lat === 'number' && typeof v.lng === 'number');
    document.getElementById('fleet-count').textContent = f.vehicles.length + ' vehicles, '
      + located.length + ' with a position';
    const map = document.getElementById('map');
    map.replaceChildren();
    const W = 600, H = 400, PAD = 30;
    for (let i = 1; i < 4; i++) {
      map.append(svg('line', { x1: 0, y1: i * H / 4, x2: W, y2: i * H / 4 }));
      map.append(svg('line', { x1: i * W / 4, y1: 0, x2: i * W / 4, y2: H }));
    }
    if (located.length > 0) {
      const lats = located.map(v => v.lat), lngs = located.map(v => v.lng);
      const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
      const kx = Math.cos(midLat * Math.PI / 180);  // equirectangular: keeps shapes near the fleet's latitude
      const x0 = Math.min(...lngs) * kx, x1 = Math.max(...lngs) * kx;
      const y0 = Math.min(...lats), y1 = Math.max(...lats);
      const span = Math.max(x1 - x0, y1 - y0, 0.001);
      const scale = Math.min((W - 2 * PAD) / span, (H - 2 * PAD) / span);
      const cx = (W - (x1 - x0) * scale) / 2, cy = (H - (y1 - y0) * scale) / 2;
      for (const v of located) {
        const x = cx + (v.lng * kx - x0) * scale;
        const y = H - (cy + (v.lat - y0) * scale);
        const dot = svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 6, class: v.status, 'data-imei': v.imei });
        dot.append(svg('title', {}, v.name + ' · ' + v.status + ' · ' + age(v.ageSeconds)));
        map.append(dot);
        map.append(svg('text', { x: (x + 8).toFixed(1), y: (y + 3).toFixed(1) }, v.name));
      }
    }
    fill('vehicles', f.vehicles.map(v => el('tr', { 'data-imei': v.imei }, [
      el('td', { title: v.imei }, v.name), el('td', {}, badge(v.status)),
      el('td', { title: v.fixAt || '' }, age(v.ageSeconds)),
      el('td', { class: 'num' }, typeof v.speedKmh === 'number' ? v.speedKmh.toFixed(0) + ' km/h' : '—')])));
  }

  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
    const body = await r.json();
    if (!r.ok) throw new Error(url + ': ' + (body.message || r.status));
    return body;
  }

  async function refresh() {
    const error = document.getElementById('error');
    try {
      const [status, fleet] = await Promise.all([getJson('api/status'), getJson('api/fleet')]);
      drawStatus(status);
      drawFleet(fleet);
      error.hidden = true;
      document.body.dataset.loaded = 'true';
    } catch (e) {
      error.textContent = 'cannot refresh: ' + e.message;
      error.hidden = false;
    } finally {
      setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
}());
