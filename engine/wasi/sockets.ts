// WASI preview1 socket functions (wasi_snapshot_preview1.witx): sock_accept, sock_recv,
// sock_send, sock_shutdown. This implementation has no sockets (node:wasi only has them
// for preopened listening sockets, which its JavaScript API cannot create), so they exist
// only so that every preview1 program links: a bad descriptor is `badf`, a descriptor
// that is not a socket is `notsock`, and a pipe that the table reports as a stream
// socket (as uvwasi does) is `notsup`.

import { Errno, errnoFromThrown } from './errno.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { Filetype } from './preview1-types.js';

type SocketImports = Pick<WasiPreview1Imports, 'sock_accept' | 'sock_recv' | 'sock_send' | 'sock_shutdown'>;

export function createSocketImports({ memory, descriptors }: WasiContext): SocketImports {
  const refuse = (fd: number): number => {
    try {
      memory.refresh();
      const descriptor = descriptors.get(fd >>> 0);
      const socketLike =
        descriptor.filetype === Filetype.SocketStream || descriptor.filetype === Filetype.SocketDgram;
      return socketLike ? Errno.NotSupported : Errno.NotSocket;
    } catch (error) {
      return errnoFromThrown(error);
    }
  };
  return {
    sock_accept: (fd) => refuse(fd),
    sock_recv: (fd) => refuse(fd),
    sock_send: (fd) => refuse(fd),
    sock_shutdown: (fd) => refuse(fd),
  };
}
