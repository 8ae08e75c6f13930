/**
 * The shape every aggregate and process manager in `domain/` takes: a pure function from
 * (command, current state) to new events, and a pure fold from events to state.
 *
 * The command path reads a stream, folds it with `evolve` starting from `initialState`,
 * calls `decide`, and appends what it returns with the revision it read. Returning `[]`
 * is how a repeated command becomes a no-op; a broken business rule throws a DomainError.
 */
export interface Decider<Command, Event, State> {
  /** The state of a stream with no events. Never mutated: `evolve` returns new states. */
  readonly initialState: State;
  /** Total: an event that does not apply to the state leaves it unchanged. */
  readonly evolve: (state: State, event: Event) => State;
  /** Pure and synchronous: time, prices and ids arrive in the command. */
  readonly decide: (command: Command, state: State) => Event[];
}
