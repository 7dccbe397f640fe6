// Quotes carousel: enhances templates/_quotes.html following the WAI-ARIA Authoring Practices
// carousel pattern (https://www.w3.org/WAI/ARIA/apg/patterns/carousel/), previous/next variant
// with a slide picker. No auto-rotation.
//
// The server renders the region, the slides ("n of N" labels) and the controls (hidden), all
// labels translated through the catalogs; this script never writes user-visible words. The
// finger moves the slides through native CSS scroll snapping; the buttons, the picker and the
// arrow keys scroll the row by one slide. Whichever way the row moved, the current slide is
// read back from the scroll position, so state, picker and status always agree.
//
// Cards are as tall as their own quotes and the row is as tall as the current card (site.css:
// the other slides take no height), so there is no blank band under a short card and the
// picker sits right under it. The server marks the first slide current, so the row has its
// height before this script runs (no shift at load); afterwards the height changes only when
// the reader moves to another slide. Only the current slide's content is in the Tab order.

const SETTLE_MS = 120; // fallback for browsers without `scrollend`
const ARRIVE_MS = 3000; // a control's scroll not arrived by then settles where the row is

export class QuoteCarousel {
  /** @param {HTMLElement} root the element marked `data-carousel` */
  constructor(root) {
    // DOM properties (all looked up inside this carousel's own root)
    this.root = root;
    this.row = root.querySelector("[data-carousel-slides]"); // the scroll-snapping row
    this.slides = [...root.querySelectorAll(".carousel-slide")]; // role="group" slides
    this.buttons = root.querySelector("[data-carousel-buttons]"); // previous/next wrapper
    this.prevButton = root.querySelector("[data-carousel-prev]");
    this.nextButton = root.querySelector("[data-carousel-next]");
    this.picker = root.querySelector("[data-carousel-picker]"); // one dot per slide
    this.dots = [...this.picker.querySelectorAll("button")];
    this.status = root.querySelector("[data-carousel-status]"); // polite live region

    // State properties
    this.current = -1; // index of the current slide
    this.target = null; // index a button/dot/key scrolls to, until the scroll settles
    this.destination = 0; // the row's scrollLeft for `target`, in CSS pixels
    this.movedAt = 0; // when the control started that scroll (performance.now())
    this.checkedLeft = null; // the row's scrollLeft when a settle last found it arriving
    this.settleTimer = 0; // id of the SETTLE_MS fallback timer
    this.announce = false; // set by a control: say the new slide's label once settled
    this.touching = false; // a finger is on the row
    this.pending = null; // index of the slide the row will snap to once the finger lifts
    this.snapsSaid = false; // the browser says where the row snaps (`scrollsnapchanging` seen)

    this.prevButton.addEventListener("click", () => this.step(-1));
    this.nextButton.addEventListener("click", () => this.step(1));
    this.dots.forEach((dot, i) => dot.addEventListener("click", () => this.show(i)));
    this.root.addEventListener("keydown", (event) => this.onKeydown(event));
    this.row.addEventListener("scroll", () => this.onScroll(), { passive: true });
    this.row.addEventListener("scrollend", () => this.onScrollEnd(true));
    // a finger or a wheel takes over from a control's scroll: the row is followed again
    for (const type of ["pointerdown", "wheel"]) {
      this.row.addEventListener(type, () => this.release(), { passive: true });
    }
    // a finger on the row: the row settles only once it is lifted (see onScroll)
    this.row.addEventListener("touchstart", () => { this.touching = true; }, { passive: true });
    for (const type of ["touchend", "touchcancel"]) {
      this.row.addEventListener(type, () => {
        this.touching = false;
        // the snap the lift starts may outlast the input window: take its target at once
        if (this.pending !== null && this.target === null) this.update(this.pending);
        this.pending = null;
        this.scheduleSettle();
      }, { passive: true });
    }
    // where the row will snap (Chromium 129+; elsewhere the row settles on scrollend)
    this.row.addEventListener("scrollsnapchanging", (event) => this.onSnapChanging(event));

    this.update(this.nearestIndex());
    this.row.tabIndex = 0; // the row scrolls: the keyboard must reach it (arrow keys)
    this.buttons.hidden = false;
    this.picker.hidden = false;
    this.root.classList.add("carousel--ready");
  }

  // --- Slide movement ---------------------------------------------------------------------

  /** Move by `delta` slides (-1 or 1), stopping at either end. */
  step(delta) {
    const from = this.origin();
    this.show(Math.min(this.slides.length - 1, Math.max(0, from + delta)));
  }

  /** The slide a control moves from: the one a control is taking the row to; else the current
   * one. Where the browser does not say where a finger's snap goes (no `scrollsnapchanging`:
   * Safari, Firefox), the current slide is only read back once the row settles, so while the
   * snap still moves it is the slide left, and Next tapped then would go to the slide the
   * reader is already arriving at: there, the slide nearest the snap edge now (at rest, the
   * current one). */
  origin() {
    if (this.target !== null) return this.target;
    return this.snapsSaid ? this.current : this.nearestIndex();
  }

  /** Scroll the row so that slide `index` is current; the state follows at once. */
  show(index) {
    const slide = this.slides[index];
    if (!slide) return;
    this.target = index;
    this.announce = true;
    this.update(index);
    const max = this.row.scrollWidth - this.row.clientWidth;
    this.destination = Math.min(max, Math.max(0, this.row.scrollLeft + this.offsetOf(slide)));
    this.movedAt = performance.now();
    this.checkedLeft = null;
    // scroll-behavior comes from the stylesheet: smooth, or instant under reduced motion
    this.row.scrollTo({ left: this.destination });
    this.scheduleSettle();
  }

  /** Whether a control's scroll is still on its way. A scroll that stops elsewhere is not its
   * end: the `scrollend` of an earlier scroll it interrupted, or a pause in scroll events
   * longer than SETTLE_MS on a busy phone. Settling then would mark and announce the slide
   * the row is passing, and the slide reached would never be announced. */
  arriving() {
    return this.target !== null && Math.abs(this.row.scrollLeft - this.destination) > 2
      && performance.now() - this.movedAt < ARRIVE_MS;
  }

  /** Stop steering the row: it follows the finger (or wheel) from here, unannounced. */
  release() {
    this.target = null;
    this.announce = false;
  }

  /** Horizontal distance from the row's snap edge to `slide`'s start, in CSS pixels. */
  offsetOf(slide) {
    const pad = parseFloat(getComputedStyle(this.row).scrollPaddingLeft) || 0;
    return slide.getBoundingClientRect().left - this.row.getBoundingClientRect().left - pad;
  }

  /** Index of the slide whose start is nearest the row's snap edge. */
  nearestIndex() {
    let best = 0;
    let bestDistance = Infinity;
    this.slides.forEach((slide, i) => {
      const distance = Math.abs(this.offsetOf(slide));
      if (distance < bestDistance) [best, bestDistance] = [i, distance];
    });
    // at the far end of the row the last slide may not reach the snap edge
    const max = this.row.scrollWidth - this.row.clientWidth;
    return this.row.scrollLeft >= max - 1 && max > 0 ? this.slides.length - 1 : best;
  }

  /** Reflect slide `index` as current in the slides, picker, buttons and status. */
  update(index) {
    if (index === this.current) return;
    this.current = index;
    this.slides.forEach((slide, i) => slide.classList.toggle("is-current", i === index));
    this.root.dispatchEvent(new Event("carousel:current"));
    this.dots.forEach((dot, i) => {
      if (i === index) dot.setAttribute("aria-current", "true");
      else dot.removeAttribute("aria-current");
    });
    this.prevButton.setAttribute("aria-disabled", String(index === 0));
    this.nextButton.setAttribute("aria-disabled", String(index === this.slides.length - 1));
    this.root.dataset.current = String(index + 1);
  }

  scheduleSettle() {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.onScrollEnd(), SETTLE_MS);
  }

  // --- Event handlers ---------------------------------------------------------------------

  onScroll() {
    // A finger swipe or a wheel: the slide is read back once the row settles, not live. The
    // row's height follows the current slide, and a browser counts the end of a touch (not its
    // scroll) as the input that excuses the page moving (Layout Instability API,
    // hadRecentInput): changing it mid-swipe would be a layout shift, at the end it is not.
    // A control's scroll keeps its target until settled.
    this.scheduleSettle();
  }

  /** The browser has picked the slide the row snaps to (`scrollsnapchanging`): while a finger
   * is down, remember it for the lift; after the lift (a flick's snap), make it current now,
   * within the input's window rather than when the snap animation ends. */
  onSnapChanging(event) {
    this.snapsSaid = true;
    const index = this.slides.indexOf(event.snapTargetInline);
    if (index < 0 || this.target !== null) return;
    if (this.touching) this.pending = index;
    else this.update(index);
  }

  /** The row has stopped (`ended`: a `scrollend` event), or no scroll event came for
   * SETTLE_MS. A control's scroll that a scroll ended short of its destination was cut off:
   * a finger's snap still moving when Next was tapped ends by putting the row back on the
   * slide it snapped to (Chromium), so the scroll is asked for again; so is one that has not
   * moved since the last check (Chromium sometimes drops the scroll asked for then). */
  onScrollEnd(ended = false) {
    clearTimeout(this.settleTimer);
    if (this.touching) return; // touchend settles
    if (this.arriving()) {
      const left = this.row.scrollLeft;
      if (ended || left === this.checkedLeft) this.row.scrollTo({ left: this.destination });
      this.checkedLeft = left;
      this.scheduleSettle();
      return;
    }
    this.target = null;
    this.update(this.nearestIndex());
    if (this.announce) {
      this.announce = false;
      this.status.textContent = this.slides[this.current].getAttribute("aria-label");
    }
  }

  onKeydown(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const from = this.origin();
    const last = this.slides.length - 1;
    const index = { ArrowLeft: from - 1, ArrowRight: from + 1, Home: 0, End: last }[event.key];
    if (index === undefined) return;
    event.preventDefault();
    this.show(Math.min(last, Math.max(0, index)));
    // on the picker, focus follows the current dot (like a radio group)
    if (this.dots.includes(event.target)) this.dots[this.target].focus();
  }
}

/** A quote too long for its card scrolls inside it (site.css), only on the current slide:
 * make exactly that quote focusable, so that the keyboard can scroll it in every browser
 * (Chromium and Firefox do it on their own, Safari does not: WCAG 2.1.1). Quotes of slides
 * not shown do not scroll (overflow hidden), so Tab never reaches a slide that is not shown
 * (it would scroll the row there). Re-checked when sizes and the current slide change. */
function focusableWhenScrolling(root) {
  const quotes = [...root.querySelectorAll(".carousel-slide blockquote")];
  const check = () => {
    for (const quote of quotes) {
      const current = quote.closest(".carousel-slide").classList.contains("is-current");
      if (current && quote.scrollHeight > quote.clientHeight + 1) quote.tabIndex = 0;
      else quote.removeAttribute("tabindex");
    }
  };
  new ResizeObserver(check).observe(root);
  root.addEventListener("carousel:current", check);
  check();
}

for (const root of document.querySelectorAll("[data-carousel]")) {
  focusableWhenScrolling(root);
  // A single quote needs no controls: it stays as the server rendered it.
  if (root.querySelectorAll(".carousel-slide").length > 1) new QuoteCarousel(root);
}
