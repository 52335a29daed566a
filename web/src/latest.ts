// Runs only the newest of the requests that arrived before it got to them. The layout worker lays out one level at a
// time: requests that came while it was busy wait, and each newer one cancels the one waiting (the user has already
// left that level), so a quick walk through levels lays out only the level it ends on.
// No DOM and no worker here: the unit tests (test/unit) run it in node.
export class Latest<T> {
  private waiting: T | undefined;
  private queued = false;

  // `later` runs its argument after the messages already queued have been offered (a 0 ms timeout in the worker).
  constructor(private readonly run: (request: T) => void, private readonly cancel: (request: T) => void,
              private readonly later: (next: () => void) => void) {}

  offer(request: T): void {
    if (this.queued) this.cancel(this.waiting as T);
    this.waiting = request;
    if (this.queued) return;
    this.queued = true;
    this.later(() => {
      const next = this.waiting as T;
      this.queued = false;
      this.waiting = undefined;
      this.run(next);
    });
  }
}
