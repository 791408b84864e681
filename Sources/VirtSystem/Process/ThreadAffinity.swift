import CVirtShim
import VirtError

/// The CPUs a thread may run on (`sched_setaffinity`).
public enum ThreadAffinity {
    /// Runs the calling thread on CPU `cpu` only.
    public static func pin(to cpu: Int) throws(VirError) {
        try Syscall.call("pin the thread to CPU \(cpu)") { cvs_pin_thread(Int32(cpu)) }
    }

    /// Lets `thread` (a thread id of any process, such as a QEMU vCPU's) run on `cpus` only.
    public static func set(thread: Int32, cpus: [Int]) throws(VirError) {
        let numbers = cpus.map(Int32.init)
        try Syscall.call("set the CPU affinity of thread \(thread)") { numbers.withUnsafeBufferPointer { cvs_set_affinity(thread, $0.baseAddress, Int32($0.count)) } }
    }
}
