// The inclusion check of the pages' "check my ballot": the one the booth's receipt check uses too.
export { checkInclusion, type InclusionResult } from '../../crypto/record/receipt';
