/* Python's round() for floats: to the nearest integer, ties to even. The editors use it so the
   sizes they show are exactly the ones editing/operations.py computes. */
window.pyRound = function (x) {
  "use strict";
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
};
