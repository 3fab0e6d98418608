/**
 * An event one capability raises and higher ones listen to, so that dependencies point one way:
 * the lower capability never imports the higher one, it only says what happened.
 */
export class Signal<Args extends unknown[]> {
  private readonly listeners: Array<(...args: Args) => void> = [];

  listen(listener: (...args: Args) => void): void {
    this.listeners.push(listener);
  }

  emit(...args: Args): void {
    for (const listener of this.listeners) listener(...args);
  }
}
