// Integration and end-to-end suites talk to real servers; give them room (the config's testTimeout
// is not applied per project).
jest.setTimeout(60_000);
