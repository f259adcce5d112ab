/** The two sides of every sync. One type for the whole engine: state rows, mappings, the pipeline. */
export type Side = 'crm' | 'erp';
