import CVirtShim
import VirtError

/// The CPUs the calling thread may run on (`sched_setaffinity(0, …)`).
public enum ThreadAffinity {
    /// Runs the calling thread on CPU `cpu` only.
    public static func pin(to cpu: Int) throws(VirError) {
        try Syscall.call("pin the thread to CPU \(cpu)") { cvs_pin_thread(Int32(cpu)) }
    }
}
