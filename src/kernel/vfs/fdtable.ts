// PLACEHOLDER: replaced by the VFS implementation.
export class FdTable {}
