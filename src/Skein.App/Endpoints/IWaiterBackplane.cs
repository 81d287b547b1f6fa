// The seam that lets /wait, /notify and /waiters span several processes (the process models run the
// application once per worker process). Only the contract lives here; the process models provide the
// implementation (shared memory and a futex, Skein.Server's SharedSignal) and the CLI plugs it in.
namespace Skein.App.Endpoints;

/// <summary>
/// Waiter bookkeeping shared by every process serving the site. A <see cref="WaiterRegistry"/> with a
/// backplane still parks its own waiters, but counts them in <see cref="Waiting"/> and turns a notify into
/// <see cref="Publish"/>, which releases the waiters of every process (this one included) through the
/// callback given to <see cref="Subscribe"/>.
/// </summary>
public interface IWaiterBackplane
{
    /// <summary>Waiters parked in all processes.</summary>
    int Waiting { get; }

    /// <summary>Adds <paramref name="delta"/> to <see cref="Waiting"/> (a waiter parked or left).</summary>
    void AddWaiting(int delta);

    /// <summary>Releases the waiters of every process with <paramref name="released"/> as their result.</summary>
    void Publish(int released);

    /// <summary>Registers what this process does when any process publishes: release its own waiters with
    /// the published number. Called on a thread of the backplane's.</summary>
    void Subscribe(Action<int> onPublished);
}
