/*
 * posturemap.drawScene: draw a laid-out scene (scene.js) on the point canvas: basemap names,
 * leader lines and true-position dots, symbols (a task group on a second frame, a crowd as a
 * disc with its number), then labels as halo text. Styles from the payload's contract.
 */
(function (PM) {
  'use strict';

  function haloText(ctx, text, x, y, ink, halo, width) {
    ctx.lineWidth = width;
    ctx.strokeStyle = halo;
    ctx.strokeText(text, x, y);
    ctx.fillStyle = ink;
    ctx.fillText(text, x, y);
  }

  // The point where the segment from the box's centre to (x, y) leaves the box.
  function edgeToward(box, x, y) {
    var cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2, dx = x - cx, dy = y - cy;
    var sx = dx ? ((dx > 0 ? box[2] : box[0]) - cx) / dx : Infinity;
    var sy = dy ? ((dy > 0 ? box[3] : box[1]) - cy) / dy : Infinity;
    var s = Math.min(Math.abs(sx), Math.abs(sy), 1);
    return [cx + dx * s, cy + dy * s];
  }

  function drawNames(ctx, names, halo) {
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    names.forEach(function (nm) {
      var b = nm.box, S = nm.style;
      ctx.font = nm.font;
      ctx.letterSpacing = S.spacing + 'px';
      if (nm.dot) {
        ctx.fillStyle = S.ink;
        ctx.beginPath();
        ctx.arc(nm.dot[0], nm.dot[1], 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.textAlign = 'left';
      haloText(ctx, nm.text, b[0], (b[1] + b[3]) / 2, S.ink, halo, 3);
    });
    ctx.letterSpacing = '0px';
  }

  function drawSprite(ctx, s, x, y, alpha) {
    ctx.globalAlpha = alpha;
    ctx.drawImage(s.image, Math.round(x - s.w / 2), Math.round(y - s.h / 2), s.w, s.h);
  }

  function drawAggregate(ctx, ST, it, x, y) {
    var A = ST.aggregate, r = A.size / 2, count = it.members.length;
    ctx.globalAlpha = 0.92;
    ctx.fillStyle = A.fill;
    ctx.strokeStyle = A.stroke;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, r - 1, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.globalAlpha = 1;
    var text = count >= 10000 ? Math.round(count / 1000) + 'k'
      : count >= 1000 ? (count / 1000).toFixed(1) + 'k' : String(count);
    ctx.font = '700 ' + (text.length > 3 ? 9 : 11) + 'px ' + ST.label.font;
    ctx.fillStyle = A.ink;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x, y + 0.5);
  }

  // Draw items (scene.js) placed by `out` (posturemap.layout) on ctx.
  PM.drawScene = function (ctx, D, state, sprites, items, out, names) {
    var ST = D.contract.style, theme = ST.label[state.dark ? 'dark' : 'light'];
    ctx.save();
    drawNames(ctx, names, ST.names.halo);
    // Leader lines, then the dots at the true positions.
    ctx.globalAlpha = ST.leader.opacity;
    ctx.strokeStyle = ST.leader.colour;
    ctx.lineWidth = ST.leader.width;
    ctx.beginPath();
    items.forEach(function (it, j) {
      if (!out.moved[j] || out.into[j] >= 0) { return; }
      var end = edgeToward(out.box[j], it.x, it.y);
      ctx.moveTo(it.x, it.y);
      ctx.lineTo(end[0], end[1]);
    });
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.lineWidth = ST.dot.width;
    ctx.strokeStyle = ST.dot.stroke;
    items.forEach(function (it, j) {
      if (!out.moved[j] || out.into[j] >= 0) { return; }
      ctx.fillStyle = it.kind === 'aggregate' ? ST.aggregate.fill : D.palette[D.colour[it.i]];
      ctx.beginPath();
      ctx.arc(it.x, it.y, ST.dot.radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    });
    // Symbols.
    items.forEach(function (it, j) {
      if (out.into[j] >= 0) { return; }
      var x = out.x[j], y = out.y[j];
      if (it.kind === 'aggregate') { drawAggregate(ctx, ST, it, x, y); return; }
      var s = sprites[D.symbol[it.i]];
      if (!s) { return; }
      var faded = D.faded[it.i] === 1 || it.stale;
      var alpha = faded ? ST.symbol.faded_opacity : ST.symbol.opacity;
      if (it.kind === 'group') {
        var off = ST.stack.offset / 2;
        drawSprite(ctx, s, x + off, y - off, ST.stack.opacity * alpha);
        drawSprite(ctx, s, x - off, y + off, alpha);
      } else {
        drawSprite(ctx, s, x, y, alpha);
      }
    });
    // Labels.
    ctx.globalAlpha = 1;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    items.forEach(function (it, j) {
      var box = out.label[j];
      if (!box || out.into[j] >= 0) { return; }
      var right = box[0] >= out.box[j][2] - 1, left = box[2] <= out.box[j][0] + 1;
      var align = right ? 'left' : left ? 'right' : 'center';
      var x = align === 'left' ? box[0] + 1 : align === 'right' ? box[2] - 1 : (box[0] + box[2]) / 2;
      ctx.textAlign = align;
      var y = box[1];
      it.lines.forEach(function (text, m) {
        var size = parseFloat(it.fonts[m].split(' ')[1]);
        var h = size * ST.label.line;
        ctx.font = it.fonts[m];
        var ink = m && it.stale ? theme.stale : theme.ink;
        haloText(ctx, text, x, y + h / 2, ink, theme.halo, ST.label.halo);
        y += h;
      });
    });
    ctx.restore();
  };
}(window.posturemap));
