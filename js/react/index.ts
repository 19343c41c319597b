// The React layer (being built: SocketProvider, useSocket and friends).
export {};
