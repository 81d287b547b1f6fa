// The hybrid model (nginx): N worker processes, each running one event loop that accepts from the shared
// listening socket. This file is the master's side; the worker's side is WorkerHost, which runs the
// async model with one loop over the shared socket.

using Skein.Server.Processes;

namespace Skein.Server.Models;

/// <summary>
/// Hybrid, nginx-style: the master starts N <c>skein worker</c> processes (default: one per core) and
/// hands each the listening socket once. Each worker runs one event loop serving all its connections
/// asynchronously, so a worker holds thousands of idle or waiting connections on one thread, and the N
/// processes use every core. A CPU-bound handler stalls only its own worker's loop; a crash loses only its
/// worker's connections, and the master starts a replacement.
/// </summary>
public sealed class HybridModel(ServerContext server, WorkerLaunch? launch = null) : SharedSocketMaster(server, launch);
