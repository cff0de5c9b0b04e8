import { confirmTextProblem } from '../identity/itsme';
import { electionActionMessage } from './action-message';

const id = '6f1f6a3e-2d8c-4b7e-9a51-0c2b8e1d4f00';

describe('the step-up message of an action', () => {
  it('names the action, the title and the id', () => {
    expect(electionActionMessage('open', { id, title: 'Gemeenteraad Leuven 2027' })).toBe(`Open the election "Gemeenteraad Leuven 2027" (${id})`);
  });

  it('falls back to the action and the id when itsme could not show the title (outside ISO-8859-15, or too long)', () => {
    for (const title of ['Rada Gminy Łódź', 'Vote 🗳️', 'x'.repeat(7_600)]) {
      const m = electionActionMessage('close', { id, title });
      expect(m).toBe(`Close the election ${id}`);
      expect(confirmTextProblem(m)).toBeNull();
    }
    // Latin-9 letters (œ, €, Š) stay: only what itsme cannot show triggers the fallback.
    expect(electionActionMessage('close', { id, title: 'Cœur € Šibenik' })).toBe(`Close the election "Cœur € Šibenik" (${id})`);
  });
});
