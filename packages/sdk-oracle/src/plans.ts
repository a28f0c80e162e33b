/**
 * Writes what the app would register and submit, for the Python checks to judge: `WORK/plans/<config>/…`.
 * (Filled in by the component and job-body checks.)
 */
export async function writePlans(_work: string): Promise<void> {}
