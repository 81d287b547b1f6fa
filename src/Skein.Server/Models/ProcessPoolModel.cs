// The process-pool model (pre-fork): N long-lived worker processes share the listening socket and each
// serves one connection at a time with blocking I/O. This file is the master's side; the worker's side
// is WorkerHost, which runs the single model over the shared socket.

using Skein.Server.Processes;

namespace Skein.Server.Models;

/// <summary>
/// Process pool, like Apache prefork or gunicorn's sync workers: the master starts N <c>skein worker</c>
/// processes and hands each the listening socket once (SCM_RIGHTS). Every idle worker blocks in accept on
/// it and the kernel gives each new connection to one of them; a busy worker is not accepting, so
/// connections go to idle ones and N slow requests occupy all N workers. The master accepts nothing: it
/// supervises, replacing a worker that dies, and leads shutdown. A crash takes down one worker's
/// connection, never the server.
/// </summary>
public sealed class ProcessPoolModel(ServerContext server, WorkerLaunch? launch = null) : SharedSocketMaster(server, launch);
