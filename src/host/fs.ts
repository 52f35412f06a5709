// PLACEHOLDER: the VFS implementation defines the host file-access interface here.
export interface HostFs {}
