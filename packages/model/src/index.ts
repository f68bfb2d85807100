// Placeholder entry so the build, exports and size checks have a file; replace freely.
export {};
