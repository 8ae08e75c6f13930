import { expect } from 'vitest';
import type { Decider } from '../../domain/shared/decider.ts';
import { DomainError } from '../../domain/shared/domain-error.ts';

/**
 * Given/when/then for a decider: the past as events (never a hand-made state), one command,
 * and what must follow — these events, a DomainError with this code, or nothing at all.
 *
 *   deciderSpec(productDecider).given([productAdded]).when(changePrice).then([priceChanged]);
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given: (history: readonly Event[]) => ({
      when: (command: Command) => {
        const decide = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState));
        return {
          then: (expected: readonly Event[]): void => {
            expect(decide()).toEqual(expected);
          },
          thenNothing: (): void => {
            expect(decide()).toEqual([]);
          },
          thenThrows: (code: string): void => {
            let outcome: unknown;
            try {
              outcome = decide();
            } catch (error) {
              outcome = error;
            }
            expect(outcome, 'decide should refuse with a DomainError').toBeInstanceOf(DomainError);
            expect((outcome as DomainError).code).toBe(code);
          },
        };
      },
    }),
  };
}
