/** Turns a received message into a queue file: Received, Message-ID and Date headers, then the durable commit. */
package org.bulwark.cleanup;
