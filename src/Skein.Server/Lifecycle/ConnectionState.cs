// The states a connection goes through, as Go's net/http ConnState names them. Only the names live here;
// transitions are made by Connection, observed by ConnectionRegistry and ShutdownCoordinator.
namespace Skein.Server.Lifecycle;

/// <summary>Where a connection is in its life.</summary>
public enum ConnectionState
{
    /// <summary>Accepted, no byte of a request read yet.</summary>
    New,
    /// <summary>A request is being read, handled or answered.</summary>
    Active,
    /// <summary>Between requests on a keep-alive connection: may be closed at any time.</summary>
    Idle,
    /// <summary>Closed, or being closed.</summary>
    Closed,
}
