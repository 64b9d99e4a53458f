/** A clock the test moves, and a sleep that moves it: time-based pacing without waiting. */
export function fakeTime() {
  const clock = { now: 0 };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.now += ms;
    },
  };
}
